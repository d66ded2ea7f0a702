using System;
using NativeSnapc.Interop;

namespace NativeSnapc.Channels.Signals;

/// <summary>
/// The checkpoint entry-point signal through sigaction and the C handler of src/shim/checkpoint_signal.c.
/// The handler's state is process-wide, so there is one instance per process (<see cref="Instance"/>).
/// Unlike the original (docs/protocol.md, defect 8): sigaction with SA_RESTART instead of signal(), a handler
/// that only does lock-free atomic stores, and the previous disposition put back at <see cref="Restore"/>.
/// The host contract assigns the signal to this component, so a previous SIG_IGN is replaced like any
/// other disposition, and restored exactly. Signals the .NET runtime depends on are refused.
/// </summary>
internal sealed unsafe class CheckpointSignal : ICheckpointSignal
{
    public static CheckpointSignal Instance { get; } = new();

    private readonly object _gate = new();
    private int _installedSignal;
    private Libc.SignalAction _previous;

    private CheckpointSignal()
    {
    }

    /// <summary>The signal currently installed, 0 when none.</summary>
    public int InstalledSignal
    {
        get
        {
            lock (_gate)
            {
                return _installedSignal;
            }
        }
    }

    public ChannelResult Install(int signalNumber, nint requestCell)
    {
        lock (_gate)
        {
            if (_installedSignal != 0)
            {
                return ChannelResult.Fail(ChannelFailure.Refused,
                    $"the checkpoint handler is already installed for signal {_installedSignal}; restore it first");
            }
            if (RuntimeOwned(signalNumber) is { } owner)
            {
                return ChannelResult.Fail(ChannelFailure.Refused,
                    $"signal {signalNumber} ({owner}) cannot be the checkpoint signal (MCA opal_cr_signal): the .NET runtime inside this library depends on it; it is left untouched");
            }

            // Armed before it can run, so the first delivery already finds its cell.
            var armed = Shim.SignalArm(signalNumber, (int*)requestCell);
            if (armed != 0)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError,
                    $"cannot arm the checkpoint handler for signal {signalNumber} (request cell 0x{requestCell:x}): {ErrorInfo.Describe(armed)}", armed);
            }

            var action = new Libc.SignalAction
            {
                sa_handler = (nint)Shim.SignalHandlerAddress(),
                sa_mask = Libc.EmptySignalSet(),
                sa_flags = Libc.SA_RESTART,
            };
            // glibc reports only the kernel's 64 signal bits of the mask: the rest stays as initialised here.
            var previous = default(Libc.SignalAction);
            var installed = Libc.SigAction(signalNumber, &action, &previous);
            if (installed.IsError)
            {
                Shim.SignalDisarm();
                return ChannelResult.Fail(ChannelFailure.SystemError,
                    $"cannot install the checkpoint handler for signal {signalNumber}: sigaction failed: {installed.Message}", installed.RawErrno);
            }
            _previous = previous;
            _installedSignal = signalNumber;
            return ChannelResult.Success;
        }
    }

    public ChannelResult Restore()
    {
        lock (_gate)
        {
            if (_installedSignal == 0)
            {
                return ChannelResult.Success;
            }
            var previous = _previous;
            // The previous disposition goes back before the handler is disarmed: a signal in between reaches
            // the previous handler instead of being dropped.
            var restored = Libc.SigAction(_installedSignal, &previous, null);
            if (restored.IsError)
            {
                // Still installed and armed: the handler keeps working, and Restore can be retried.
                return ChannelResult.Fail(ChannelFailure.SystemError,
                    $"cannot restore the previous disposition of signal {_installedSignal}: sigaction failed: {restored.Message}", restored.RawErrno);
            }
            Shim.SignalDisarm();
            _installedSignal = 0;
            _previous = default;
            return ChannelResult.Success;
        }
    }

    public bool CheckpointActive => Shim.SignalCheckpointActive() != 0;

    public void EndCheckpoint() => Shim.SignalEndCheckpoint();

    public long TakeIgnoredRequests() => Shim.SignalTakeIgnored();

    /// <summary>The signals the NativeAOT runtime installs or relies on (docs/abi.md#signals), by name; null for
    /// others.</summary>
    private static string? RuntimeOwned(int signalNumber) => signalNumber switch
    {
        Libc.SIGSEGV => "SIGSEGV, null-reference detection",
        Libc.SIGFPE => "SIGFPE, arithmetic exceptions",
        Libc.SIGPIPE => "SIGPIPE, ignored by the runtime",
        Libc.SIGRTMIN => "SIGRTMIN, thread suspension for the garbage collector",
        _ => null,
    };
}
