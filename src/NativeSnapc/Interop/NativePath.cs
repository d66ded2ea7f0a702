using System.Text;

namespace NativeSnapc.Interop;

/// <summary>
/// A path as the C library takes it — NUL-terminated UTF-8 — encoded once, for paths a checkpoint uses
/// again and again (the FIFOs: mkfifo, open retries during the rendezvous, lstat, unlink).
/// </summary>
internal sealed class NativePath
{
    private readonly byte[] _bytes;

    public NativePath(string path)
    {
        Text = path;
        _bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, _bytes);
    }

    public string Text { get; }

    /// <summary>The bytes, NUL included; pin with <c>fixed</c> for the call.</summary>
    public byte[] Bytes => _bytes;

    public override string ToString() => Text;
}
