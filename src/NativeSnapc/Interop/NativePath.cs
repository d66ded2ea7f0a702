using System;
using System.Text;

namespace NativeSnapc.Interop;

/// <summary>
/// A path as the C library takes it — NUL-terminated UTF-8 — encoded once, for paths a checkpoint uses
/// again and again (the FIFOs: mkfifo, open, lstat, unlink). A FIFO path is re-pointed at the next
/// checkpoint's name in place (<see cref="AssignFifoName"/>): no allocation while the name fits, and the text
/// form is made only when something asks for it (a log line).
/// </summary>
internal sealed class NativePath
{
    private byte[] _bytes;
    private int _length;
    private string? _text;

    public NativePath(string path)
    {
        _text = path;
        _bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        _length = Encoding.UTF8.GetBytes(path, _bytes);
    }

    public string Text => _text ??= Encoding.UTF8.GetString(_bytes, 0, _length);

    /// <summary>The bytes, NUL-terminated (the array may be longer); pin with <c>fixed</c> for the call.</summary>
    public byte[] Bytes => _bytes;

    /// <summary><c>app_define_pipe_names</c>: "%s/%s.%d_%d" of (directory, base name, pid, id), in place.</summary>
    public void AssignFifoName(string directory, string baseName, int pid, int uniqueId)
    {
        var needed = Encoding.UTF8.GetByteCount(directory) + 1 + baseName.Length + 1 + 11 + 1 + 11 + 1;
        if (_bytes.Length < needed)
        {
            _bytes = new byte[needed];
        }
        var span = _bytes.AsSpan();
        var at = Encoding.UTF8.GetBytes(directory, span);
        span[at++] = (byte)'/';
        at += Encoding.ASCII.GetBytes(baseName, span[at..]);
        span[at++] = (byte)'.';
        pid.TryFormat(span[at..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        span[at++] = (byte)'_';
        uniqueId.TryFormat(span[at..], out written, provider: System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        span[at] = 0;
        _length = at;
        _text = null;
    }

    public override string ToString() => Text;
}
