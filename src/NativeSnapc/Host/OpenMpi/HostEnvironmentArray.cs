using System;
using System.Runtime.InteropServices;
using System.Text;
using NativeSnapc.Crs;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// A caller's environment array (<c>char ***env</c>, an opal_argv-style malloc'ed NULL-terminated array of
/// malloc'ed "NAME=value" strings, or NULL). Set goes through the host's <c>opal_setenv</c> when it has one,
/// else does what opal_setenv does: replace the entry in place (freeing the old string) or append one.
/// </summary>
internal sealed unsafe class HostEnvironmentArray : IEnvironmentArray
{
    private static nint s_opalSetenv;
    private readonly byte*** _environment;

    private HostEnvironmentArray(byte*** environment)
    {
        _environment = environment;
    }

    /// <summary>A view of <paramref name="environment"/>, or null for NULL.</summary>
    public static HostEnvironmentArray? Wrap(byte*** environment) => environment is null ? null : new HostEnvironmentArray(environment);

    public string? Set(string name, string value)
    {
        var opalSetenv = (delegate* unmanaged[Cdecl]<byte*, byte*, byte, byte***, int>)HostSymbols.ResolveCached(ref s_opalSetenv, "opal_setenv");
        if (opalSetenv != null)
        {
            var nameBytes = HostString.ToNullTerminatedUtf8(name);
            var valueBytes = HostString.ToNullTerminatedUtf8(value);
            int rc;
            fixed (byte* n = nameBytes, v = valueBytes)
            {
                rc = opalSetenv(n, v, 1, _environment);
            }
            return rc == OpalStatus.Success ? null : $"opal_setenv returned {rc}";
        }
        return SetWithoutHost(name, value);
    }

    private string? SetWithoutHost(string name, string value)
    {
        var entry = HostString.Duplicate($"{name}={value}");
        if (entry is null)
        {
            return "out of memory";
        }
        var prefix = Encoding.UTF8.GetBytes(name + "=");
        var array = *_environment;
        var count = 0;
        if (array is not null)
        {
            for (; array[count] is not null; count++)
            {
                if (MemoryMarshal.CreateReadOnlySpanFromNullTerminated(array[count]).StartsWith(prefix))
                {
                    HostString.Free(array[count]);
                    array[count] = entry;
                    return null;
                }
            }
        }
        byte** grown;
        try
        {
            grown = (byte**)NativeMemory.Realloc(array, (nuint)((count + 2) * sizeof(byte*)));
        }
        catch (OutOfMemoryException)
        {
            HostString.Free(entry);
            return "out of memory";
        }
        grown[count] = entry;
        grown[count + 1] = null;
        *_environment = grown;
        return null;
    }
}
