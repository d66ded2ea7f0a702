using System.Globalization;
using System.Runtime.InteropServices;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// Reads a registered MCA variable through the host's variable system (opal/mca/base/mca_base_var.h):
/// <c>mca_base_var_find</c> gives its index, <c>mca_base_var_get</c> its descriptor (for the type) and
/// <c>mca_base_var_get_value</c> a pointer to its typed storage. The value comes back as text, so a variable
/// registered with any scalar type reads the same as its <c>OMPI_MCA_*</c> spelling would. Before the host has
/// initialised its variable system every variable reads as unregistered.
/// </summary>
internal sealed unsafe class McaVariables
{
    /// <summary>
    /// Offset of <c>mbv_type</c> in <c>mca_base_var_t</c>, release build: after the 16-byte opal_object_t,
    /// <c>mbv_index</c>, <c>mbv_group_index</c> and <c>mbv_info_lvl</c> (checked against the real header by the tests).
    /// </summary>
    public const int TypeOffset = 28;

    /// <summary><c>mca_base_var_type_t</c> values (4-byte enum).</summary>
    public enum VariableType
    {
        Int = 0,
        UnsignedInt = 1,
        UnsignedLong = 2,
        UnsignedLongLong = 3,
        SizeT = 4,
        String = 5,
        VersionString = 6,
        Bool = 7,
        Double = 8,
        Long = 9,
        Int32 = 10,
        UInt32 = 11,
        Int64 = 12,
        UInt64 = 13,
    }

    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, byte*, byte*, int> _find;
    private readonly delegate* unmanaged[Cdecl]<int, void**, int> _get;
    private readonly delegate* unmanaged[Cdecl]<int, void**, int*, byte**, int> _getValue;

    private McaVariables(nint find, nint get, nint getValue)
    {
        _find = (delegate* unmanaged[Cdecl]<byte*, byte*, byte*, byte*, int>)find;
        _get = (delegate* unmanaged[Cdecl]<int, void**, int>)get;
        _getValue = (delegate* unmanaged[Cdecl]<int, void**, int*, byte**, int>)getValue;
    }

    /// <summary>The reader, or null unless all three functions were found.</summary>
    public static McaVariables? Create(nint find, nint get, nint getValue) =>
        find != 0 && get != 0 && getValue != 0 ? new McaVariables(find, get, getValue) : null;

    /// <summary>
    /// The current value of <c>&lt;framework&gt;_&lt;component&gt;_&lt;variable&gt;</c> as text, or null when no
    /// such variable is registered (the project name is not part of the lookup key; "orte" is passed as the
    /// snapc framework's project).
    /// </summary>
    public string? TryRead(string framework, string component, string variable)
    {
        // mca_base_var_find divides by the capacity of a hash table that only mca_base_var_init creates
        // (SIGFPE before it); mca_base_var_get checks the initialised flag first and answers OPAL_ERROR.
        void* probe = null;
        if (_get(0, &probe) == OpalStatus.Error)
        {
            return null;
        }

        var projectBytes = HostString.ToNullTerminatedUtf8("orte");
        var frameworkBytes = HostString.ToNullTerminatedUtf8(framework);
        var componentBytes = HostString.ToNullTerminatedUtf8(component);
        var variableBytes = HostString.ToNullTerminatedUtf8(variable);
        int index;
        fixed (byte* project = projectBytes, frameworkName = frameworkBytes, componentName = componentBytes, variableName = variableBytes)
        {
            index = _find(project, frameworkName, componentName, variableName);
        }
        if (index < 0)
        {
            return null;
        }

        void* descriptor = null;
        void* storage = null;
        if (_get(index, &descriptor) != 0 || descriptor is null || _getValue(index, &storage, null, null) != 0 || storage is null)
        {
            return null;
        }
        var type = (VariableType)(*(int*)((byte*)descriptor + TypeOffset));
        return Format(type, storage);
    }

    // mca_base_var_storage_t is a union: every member starts at offset 0.
    private static string? Format(VariableType type, void* storage) => type switch
    {
        VariableType.Int or VariableType.Int32 => (*(int*)storage).ToString(CultureInfo.InvariantCulture),
        VariableType.UnsignedInt or VariableType.UInt32 => (*(uint*)storage).ToString(CultureInfo.InvariantCulture),
        VariableType.Long or VariableType.Int64 => (*(long*)storage).ToString(CultureInfo.InvariantCulture),
        VariableType.UnsignedLong or VariableType.UnsignedLongLong or VariableType.SizeT or VariableType.UInt64 =>
            (*(ulong*)storage).ToString(CultureInfo.InvariantCulture),
        VariableType.Bool => *(byte*)storage != 0 ? "1" : "0",
        VariableType.Double => (*(double*)storage).ToString("R", CultureInfo.InvariantCulture),
        VariableType.String or VariableType.VersionString => Marshal.PtrToStringUTF8(*(nint*)storage),
        _ => null,
    };
}
