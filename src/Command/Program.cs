namespace NativeSnapc.Command;

internal static class Program
{
    private static int Main(string[] args) => args switch
    {
        // These run with a rank's standard output, which is the program's (a pty under mpirun): they are dispatched
        // before System.CommandLine, and nothing in them touches System.Console (see Diagnostics/Log).
        ["restart-rank", .. var rest] => Restart.RestartRankCommand.Run(rest, Cli.Installation.ComponentDirectory()),
        ["local", .. var rest] => Local.LocalServer.Run(rest),
        _ => Cli.CommandLine.Run(args),
    };
}
