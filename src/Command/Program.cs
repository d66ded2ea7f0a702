namespace NativeSnapc.Command;

internal static class Program
{
    private static int Main(string[] args) =>
        // restart-rank's standard output becomes the restarted program's: it must not go through System.Console.
        args.Length > 0 && args[0] == "restart-rank"
            ? Restart.RestartRankCommand.Run(args[1..], Cli.Installation.ComponentDirectory())
            : Cli.CommandLine.Run(args);
}
