using System.Runtime.InteropServices;
using System.Text;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// The process's native environment (libc's), which the library reads. .NET's Environment.SetEnvironmentVariable
/// changes only a managed copy, so tests that set what the library should see go through here.
/// </summary>
internal static unsafe partial class NativeEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv")] private static partial int SetenvRaw(byte* name, byte* value, int overwrite);
    [LibraryImport("libc", EntryPoint = "unsetenv")] private static partial int UnsetenvRaw(byte* name);
    [LibraryImport("libc", EntryPoint = "getenv")] private static partial byte* GetenvRaw(byte* name);

    /// <summary>Sets <paramref name="name"/>, or removes it when <paramref name="value"/> is null.</summary>
    public static void Set(string name, string? value)
    {
        fixed (byte* n = Bytes(name))
        {
            if (value is null)
            {
                UnsetenvRaw(n);
                return;
            }
            fixed (byte* v = Bytes(value))
            {
                SetenvRaw(n, v, 1);
            }
        }
    }

    public static string? Get(string name)
    {
        fixed (byte* n = Bytes(name))
        {
            var value = GetenvRaw(n);
            return value == null ? null : Marshal.PtrToStringUTF8((nint)value);
        }
    }

    private static byte[] Bytes(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
