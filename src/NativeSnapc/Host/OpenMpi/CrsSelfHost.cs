using System.Collections.Generic;
using System.Runtime.InteropServices;
using NativeSnapc.Crs;
using NativeSnapc.Interop;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The "self" checkpointer's view of the process: Open MPI's <c>opal_cr_is_tool</c> and
/// <c>mca_base_var_env_name</c> when the host has them (looked up by name, as every host symbol), the
/// application's callbacks in the global scope, libc's environment, and the restart command run through the
/// shim (execvp, posix_spawnp).
/// </summary>
internal sealed unsafe class CrsSelfHost : ISelfHost
{
    private const string McaEnvironmentPrefix = "OMPI_MCA_";

    private nint _isTool;
    private nint _envName;

    /// <summary>The host's <c>bool opal_cr_is_tool</c>; false when Open MPI is not loaded.</summary>
    public bool IsTool => HostSymbols.ResolveCached(ref _isTool, "opal_cr_is_tool") is var address and not 0 && *(byte*)address != 0;

    public ISelfCallbacks FindCallbacks(string prefix) => SelfCallbacks.Find(prefix);

    public string EnvironmentName(string parameter)
    {
        var function = (delegate* unmanaged[Cdecl]<byte*, byte**, int>)HostSymbols.ResolveCached(ref _envName, "mca_base_var_env_name");
        if (function == null)
        {
            return McaEnvironmentPrefix + parameter;
        }
        var name = HostString.ToNullTerminatedUtf8(parameter);
        byte* result = null;
        int rc;
        fixed (byte* bytes = name)
        {
            rc = function(bytes, &result);
        }
        var text = rc == 0 ? HostString.Read(result) : null;
        HostString.Free(result);
        return text ?? McaEnvironmentPrefix + parameter;
    }

    public string? SetEnvironment(string name, string value) => Libc.Setenv(name, value) is { IsError: true } error ? $"setenv: {error}" : null;

    public string Exec(IReadOnlyList<string> argv)
    {
        var array = NativeArgv.Create(argv);
        if (array is null)
        {
            return "out of memory";
        }
        try
        {
            Shim.Execvp(array);
            return $"execvp({argv[0]}): {ErrorInfo.Last()}";
        }
        finally
        {
            NativeArgv.Free(array);
        }
    }

    public string? Spawn(IReadOnlyList<string> argv, out int pid)
    {
        pid = 0;
        var array = NativeArgv.Create(argv);
        if (array is null)
        {
            return "out of memory";
        }
        try
        {
            int child;
            var rc = Shim.Spawnp(&child, array);
            pid = rc == 0 ? child : 0;
            return rc == 0 ? null : $"posix_spawnp({argv[0]}): {new ErrorInfo(rc)}";
        }
        finally
        {
            NativeArgv.Free(array);
        }
    }
}

/// <summary>A NULL-terminated <c>char *argv[]</c> of malloc'ed strings.</summary>
internal static unsafe class NativeArgv
{
    /// <summary>The array, or NULL when memory ran out (a short argv must never be run).</summary>
    public static byte** Create(IReadOnlyList<string> arguments)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(arguments.Count + 1), (nuint)sizeof(byte*));
        for (var index = 0; index < arguments.Count; index++)
        {
            array[index] = HostString.Duplicate(arguments[index]);
            if (array[index] is null)
            {
                Free(array);
                return null;
            }
        }
        return array;
    }

    public static void Free(byte** array)
    {
        for (var entry = array; *entry != null; entry++)
        {
            HostString.Free(*entry);
        }
        NativeMemory.Free(array);
    }
}
