using System.Threading;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The callbacks a program registered through Open MPI's C/R API (OMPI_CR_self_register_checkpoint_callback and
/// its two siblings). In Open MPI nothing ever called them (the self CRS only looked callbacks up by name); here a
/// registered callback wins over the one found by name. NULL unregisters.
/// </summary>
internal static class SelfCallbackRegistry
{
    private static nint s_checkpoint;
    private static nint s_continue;
    private static nint s_restart;

    public static nint Checkpoint
    {
        get => Volatile.Read(ref s_checkpoint);
        set => Volatile.Write(ref s_checkpoint, value);
    }

    public static nint Continue
    {
        get => Volatile.Read(ref s_continue);
        set => Volatile.Write(ref s_continue, value);
    }

    public static nint Restart
    {
        get => Volatile.Read(ref s_restart);
        set => Volatile.Write(ref s_restart, value);
    }
}
