using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibcName("POSIX_SPAWN_SETSIGMASK")] public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    [LibcName("POSIX_SPAWN_SETSIGDEF")] public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    [LibcName("POSIX_SPAWN_SETSID")] public const short POSIX_SPAWN_SETSID = 0x80;

    // posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80, sigset_t 128 on x86-64 glibc; room to spare.
    private const int OpaqueBytes = 1024;
    private const int SigSetBytes = 128;

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")] private static partial int SpawnAttrInit(void* attr);
    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")] private static partial int SpawnAttrDestroy(void* attr);
    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")] private static partial int SpawnAttrSetFlags(void* attr, short flags);
    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")] private static partial int SpawnAttrSetSigMask(void* attr, void* mask);
    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")] private static partial int SpawnAttrSetSigDefault(void* attr, void* set);
    [LibraryImport("libc", EntryPoint = "sigemptyset")] private static partial int SigEmptySet(void* set);
    [LibraryImport("libc", EntryPoint = "sigfillset")] private static partial int SigFillSet(void* set);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")] private static partial int FileActionsInit(void* actions);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")] private static partial int FileActionsDestroy(void* actions);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")] private static partial int FileActionsAddOpen(void* actions, int fd, byte* path, int flags, uint mode);
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")] private static partial int FileActionsAddDup2(void* actions, int fd, int newFd);
    [LibraryImport("libc", EntryPoint = "posix_spawn")] private static partial int PosixSpawnRaw(int* pid, byte* path, void* actions, void* attr, byte** argv, byte** envp);

    /// <summary>
    /// Starts <paramref name="path"/> in a session of its own (POSIX_SPAWN_SETSID): standard input from
    /// /dev/null, standard output appended to <paramref name="logPath"/> (created 0600), standard error the same
    /// file, an empty signal mask and default dispositions. Every other descriptor of the command carries
    /// O_CLOEXEC (.NET opens all its files so), so nothing else is inherited. posix_spawn reports errors as its
    /// return value, not errno.
    /// </summary>
    public static ErrorInfo SpawnDetached(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment,
        string logPath, out int pid)
    {
        pid = -1;
        var attr = NativeMemory.AllocZeroed(OpaqueBytes);
        var actions = NativeMemory.AllocZeroed(OpaqueBytes);
        var mask = NativeMemory.AllocZeroed(SigSetBytes);
        var defaults = NativeMemory.AllocZeroed(SigSetBytes);
        var strings = new List<nint>();
        try
        {
            byte* Utf8(string text)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var native = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
                bytes.AsSpan().CopyTo(new Span<byte>(native, bytes.Length));
                native[bytes.Length] = 0;
                strings.Add((nint)native);
                return native;
            }
            byte** Vector(IReadOnlyList<string> items)
            {
                var vector = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1) * (nuint)sizeof(nint));
                strings.Add((nint)vector);
                for (var i = 0; i < items.Count; i++)
                {
                    vector[i] = Utf8(items[i]);
                }
                return vector;
            }
            var argv = Vector(arguments);
            var envp = Vector(environment);
            var file = Utf8(path);
            var devNull = Utf8("/dev/null");
            var log = Utf8(logPath);

            int rc;
            if ((rc = SpawnAttrInit(attr)) != 0) return new ErrorInfo(rc);
            if ((rc = FileActionsInit(actions)) != 0) { SpawnAttrDestroy(attr); return new ErrorInfo(rc); }
            try
            {
                SigEmptySet(mask);
                SigFillSet(defaults);
                if ((rc = SpawnAttrSetFlags(attr, (short)(POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))) != 0) return new ErrorInfo(rc);
                if ((rc = SpawnAttrSetSigMask(attr, mask)) != 0) return new ErrorInfo(rc);
                if ((rc = SpawnAttrSetSigDefault(attr, defaults)) != 0) return new ErrorInfo(rc);
                if ((rc = FileActionsAddOpen(actions, 0, devNull, O_RDONLY, 0)) != 0) return new ErrorInfo(rc);
                if ((rc = FileActionsAddOpen(actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0x180)) != 0) return new ErrorInfo(rc);
                if ((rc = FileActionsAddDup2(actions, 1, 2)) != 0) return new ErrorInfo(rc);
                int child;
                rc = PosixSpawnRaw(&child, file, actions, attr, argv, envp);
                if (rc != 0) return new ErrorInfo(rc);
                pid = child;
                return default;
            }
            finally
            {
                FileActionsDestroy(actions);
                SpawnAttrDestroy(attr);
            }
        }
        finally
        {
            foreach (var p in strings)
            {
                NativeMemory.Free((void*)p);
            }
            NativeMemory.Free(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(mask);
            NativeMemory.Free(defaults);
        }
    }
}
