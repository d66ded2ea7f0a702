using System.Collections.Generic;
using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>One MCA variable of a component: short name (without <c>&lt;framework&gt;_&lt;component&gt;_</c>), description, <c>MCA_BASE_VAR_TYPE_*</c>, <c>MCA_BASE_VAR_FLAG_*</c>, <c>MCA_BASE_VAR_SCOPE_*</c> and storage.</summary>
internal readonly record struct McaComponentVariable(string Name, string Description, int Type, int Flags, int Scope, nint Storage);

/// <summary>
/// Registers a component's MCA variables with the host's variable system
/// (<c>mca_base_component_var_register</c>, opal/mca/base/mca_base_var.h), as a component's register function
/// does. The variable system reads the variable's value (command line, <c>OMPI_MCA_*</c>, files) into the
/// storage at registration and keeps it there; a string storage receives a malloc'ed copy it frees itself.
/// </summary>
internal sealed unsafe class McaComponentRegistrar
{
    private static nint s_register;
    private static nint s_varGet;

    private readonly delegate* unmanaged[Cdecl]<void*, byte*, byte*, int, void*, int, int, int, int, void*, int> _register;

    private McaComponentRegistrar(nint register)
    {
        _register = (delegate* unmanaged[Cdecl]<void*, byte*, byte*, int, void*, int, int, int, int, void*, int>)register;
    }

    /// <summary>
    /// The registrar, or null when the process has no Open MPI variable system or it is not initialised yet
    /// (registering before mca_base_var_init divides by zero in its hash table; mca_base_var_get answers
    /// OPAL_ERROR then, which is the test).
    /// </summary>
    public static McaComponentRegistrar? Find()
    {
        var register = HostSymbols.ResolveCached(ref s_register, "mca_base_component_var_register");
        return register != 0 && HostVariableSystemInitialized() ? new McaComponentRegistrar(register) : null;
    }

    /// <summary>Whether the host's MCA variable system is up (opal_init_util or opal_init has run and not been finalised).</summary>
    public static bool HostVariableSystemInitialized()
    {
        var get = (delegate* unmanaged[Cdecl]<int, void**, int>)HostSymbols.ResolveCached(ref s_varGet, "mca_base_var_get");
        if (get == null)
        {
            return false;
        }
        void* variable = null;
        return get(0, &variable) != OpalStatus.Error;
    }

    /// <summary>
    /// <c>mca_base_component_var_register(component, name, description, type, NULL, 0, flags, OPAL_INFO_LVL_9,
    /// scope, storage)</c>: the variable's index, or a negative Open MPI error.
    /// </summary>
    public int Register(void* component, string name, string description, int type, int flags, int scope, void* storage)
    {
        var nameBytes = HostString.ToNullTerminatedUtf8(name);
        var descriptionBytes = HostString.ToNullTerminatedUtf8(description);
        fixed (byte* namePointer = nameBytes, descriptionPointer = descriptionBytes)
        {
            return _register(component, namePointer, descriptionPointer, type, null, 0, flags, McaBaseVar.InfoLevel9, scope, storage);
        }
    }

    /// <summary>
    /// Registers the variables in order, as a component's register function does; the first failure is logged
    /// (<paramref name="logPrefix"/>, the variable's full name <paramref name="fullNamePrefix"/>name) and its
    /// negative Open MPI error returned, else OPAL_SUCCESS.
    /// </summary>
    public int RegisterAll(void* component, IEnumerable<McaComponentVariable> variables, string logPrefix, string fullNamePrefix)
    {
        foreach (var variable in variables)
        {
            var rc = Register(component, variable.Name, variable.Description, variable.Type, variable.Flags, variable.Scope, (void*)variable.Storage);
            if (rc < 0)
            {
                Log.Error($"{logPrefix}: register: Error: mca_base_component_var_register({fullNamePrefix}{variable.Name}) returned {rc}");
                return rc;
            }
        }
        return OpalStatus.Success;
    }
}
