extern alias command;

using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using command::NativeSnapc.Interop;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command.Interop;

/// <summary>
/// Every libc constant the command mirrors ([LibcName] in its Interop, and in the library's Interop files it compiles
/// in) against glibc's headers, and the layout facts its Interop relies on (struct stat offsets, struct ucred, the
/// room given to posix_spawn's opaque types).
/// </summary>
[TestFixture]
internal sealed class CommandLibcMirrorTests
{
    [Test]
    public void Constants_and_layouts_equal_glibc()
    {
        var constants = typeof(Libc).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(f => (Field: f, Name: f.GetCustomAttribute<LibcNameAttribute>()?.Name))
            .Where(x => x.Name is not null)
            .ToList();
        Assert.That(constants.Select(c => c.Name), Is.SupersetOf(new[] { "O_NONBLOCK", "POLLHUP", "ENXIO", "EPIPE", "POSIX_SPAWN_SETSID", "S_IFIFO", "LOCK_EX", "WNOHANG" }));

        var source = new StringBuilder("#define _GNU_SOURCE\n");
        foreach (var header in new[] { "dlfcn.h", "errno.h", "fcntl.h", "poll.h", "signal.h", "spawn.h", "stddef.h", "stdio.h", "sys/file.h", "sys/socket.h", "sys/stat.h", "sys/wait.h", "unistd.h" })
        {
            source.AppendLine($"#include <{header}>");
        }
        source.AppendLine("int main(void) {");
        foreach (var (_, name) in constants)
        {
            source.AppendLine($"    printf(\"%s\\t%lld\\n\", \"{name}\", (long long)({name}));");
        }
        source.AppendLine("    printf(\"stat.st_mode\\t%zu\\n\", offsetof(struct stat, st_mode));");
        source.AppendLine("    printf(\"stat.st_uid\\t%zu\\n\", offsetof(struct stat, st_uid));");
        source.AppendLine("    printf(\"stat.st_gid\\t%zu\\n\", offsetof(struct stat, st_gid));");
        source.AppendLine("    printf(\"stat.size\\t%zu\\n\", sizeof(struct stat));");
        source.AppendLine("    printf(\"ucred.uid\\t%zu\\n\", offsetof(struct ucred, uid));");
        source.AppendLine("    printf(\"ucred.size\\t%zu\\n\", sizeof(struct ucred));");
        source.AppendLine("    printf(\"spawn.room\\t%d\\n\", sizeof(posix_spawnattr_t) <= 1024 && sizeof(posix_spawn_file_actions_t) <= 1024 && sizeof(sigset_t) <= 128);");
        source.AppendLine("    return 0;\n}");
        var output = NativeToolchain.CompileAndRun(TestEnvironment.ScratchDir("command-libc"), "command_libc", source.ToString());
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));

        var mismatches = constants
            .Select(c => (c.Name, Ours: Convert.ToInt64(c.Field.GetRawConstantValue(), CultureInfo.InvariantCulture)))
            .Where(c => values[c.Name!] != c.Ours)
            .Select(c => $"{c.Name}: ours {c.Ours}, glibc {values[c.Name!]}")
            .ToList();
        Assert.That(mismatches, Is.Empty);
        // The struct stat and struct ucred the command reads (Libc.Stat, Libc.UCred; SOL_SOCKET and SO_PEERCRED are
        // [LibcName] constants now, printed by the loop above). Interop/LibcMirrorTests checks every field of both.
        Assert.That((values["stat.st_mode"], values["stat.st_uid"], values["stat.st_gid"], values["stat.size"]), Is.EqualTo((24L, 28L, 32L, 144L)));
        Assert.That((values["ucred.uid"], values["ucred.size"], values["SOL_SOCKET"], values["SO_PEERCRED"]), Is.EqualTo((4L, 12L, 1L, 17L)));
        Assert.That(values["spawn.room"], Is.EqualTo(1L));
    }
}
