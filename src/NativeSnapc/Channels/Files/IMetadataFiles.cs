namespace NativeSnapc.Channels.Files;

/// <summary>Reads and durably replaces the metadata file.</summary>
internal interface IMetadataFiles
{
    /// <summary>The whole file, at most <paramref name="maxBytes"/> (more is an error); <see cref="MetadataRead.Missing"/> when it does not exist.</summary>
    MetadataRead Read(string path, int maxBytes);

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> so that a crash at any point leaves either
    /// the old file or the new one, and the new one is on stable storage before this returns; null or the error.
    /// </summary>
    string? ReplaceDurably(string path, byte[] content);
}

internal readonly record struct MetadataRead(byte[]? Content, bool Missing, string? Error)
{
    public static MetadataRead Found(byte[] content) => new(content, false, null);
    public static MetadataRead NotFound() => new(null, true, null);
    public static MetadataRead Failed(string error) => new(null, false, error);
}
