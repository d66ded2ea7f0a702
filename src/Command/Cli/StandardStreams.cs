using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace NativeSnapc.Command.Cli;

/// <summary>
/// The command's standard output and error as plain writers on descriptors 1 and 2. System.Console is never used:
/// on a terminal its first use writes terminal control sequences (keypad mode) to standard output — which for `run`
/// and `restart` is the program's — and System.CommandLine is handed these instead of the console's.
/// </summary>
internal static class StandardStreams
{
    public static TextWriter Out { get; } = Open(1);

    public static TextWriter Error { get; } = Open(2);

    private static TextWriter Open(int descriptor) =>
        new StreamWriter(new FileStream(new SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, 1), new UTF8Encoding(false))
        {
            AutoFlush = true,
            NewLine = "\n",
        };
}
