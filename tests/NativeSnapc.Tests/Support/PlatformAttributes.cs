using System.Runtime.Versioning;

// The command is Linux-only (SupportedOSPlatform("linux")); so are these tests.
[assembly: SupportedOSPlatform("linux")]
