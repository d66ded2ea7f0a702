using System;
using System.Runtime.CompilerServices;

namespace NativeSnapc.Diagnostics;

/// <summary>
/// Builds a <see cref="Log.Verbose(int, ref VerboseMessageHandler)"/> message only when its level is enabled:
/// a disabled line costs neither formatting nor the evaluation of its holes (a checkpoint logs dozens).
/// </summary>
[InterpolatedStringHandler]
internal ref struct VerboseMessageHandler
{
    private DefaultInterpolatedStringHandler _builder;

    public VerboseMessageHandler(int literalLength, int formattedCount, int level, out bool shouldAppend)
    {
        Enabled = shouldAppend = Log.IsEnabled(level);
        _builder = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public bool Enabled { get; }

    public void AppendLiteral(string value) => _builder.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _builder.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _builder.AppendFormatted(value, format);

    public void AppendFormatted<T>(T value, int alignment) => _builder.AppendFormatted(value, alignment);

    public void AppendFormatted<T>(T value, int alignment, string? format) => _builder.AppendFormatted(value, alignment, format);

    public void AppendFormatted(ReadOnlySpan<char> value) => _builder.AppendFormatted(value);

    public string ToStringAndClear() => _builder.ToStringAndClear();
}
