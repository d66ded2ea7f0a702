using System.Globalization;

namespace NativeSnapc.Coordinator;

/// <summary>
/// What the notify callback allocated on the managed heap: the first call pays for one-time set-up; every
/// later call should allocate nothing (docs/architecture.md#the-checkpoint-hot-path). Reported at finalize
/// at verbose level 1, where no line of the checkpoint itself is formatted.
/// </summary>
internal struct HotPathAllocations
{
    private long _calls;
    private long _firstCallBytes;
    private long _laterCallsBytes;

    public void Record(long bytes)
    {
        if (_calls++ == 0)
        {
            _firstCallBytes = bytes;
        }
        else
        {
            _laterCallsBytes += bytes;
        }
    }

    public override readonly string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{_calls} notify calls; managed bytes allocated: {_firstCallBytes} in the first, {_laterCallsBytes} in the {(_calls > 0 ? _calls - 1 : 0)} after it");
}
