using System;
using System.Collections.Generic;
using System.Globalization;
using NativeSnapc.Abi;
using NativeSnapc.Channels.Files;
using NativeSnapc.Diagnostics;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Sstore;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Runtime;

/// <summary>
/// sstore/central's application side (orte/mca/sstore/central/sstore_central_app.c; docs/protocol.md, sstore) in the
/// <c>orte_sstore</c> slots of a rank: <c>register_handle</c> pulls the handle's record from the local coordinator
/// (PULL on tag 44, then its reply), makes the local snapshot directory and starts its metadata file;
/// <c>get_attr</c> / <c>set_attr</c> answer and record as central does; <c>sync</c> pushes the component name (or
/// "skipped") to the local coordinator. Differences from central, toward "fail, don't hang or crash": the PULL
/// reply wait is bounded, an unknown handle is an error (central dereferences NULL), and the metadata file is
/// opened and closed around every write. A handle is kept until a later one is synced (the leader reads its
/// sequence and reference after the sync), so a long job does not accumulate them.
/// </summary>
internal sealed class SstoreCentralApp
{
    [NativeName("SSTORE_METADATA_INTERNAL_TIME_STR")] public const string TimestampKey = "# Timestamp: ";
    [NativeName("CRS_METADATA_PID")] public const string PidKey = "# PID: ";
    [NativeName("CRS_METADATA_MKDIR")] public const string MkdirKey = "# MKDIR: ";
    [NativeName("CRS_METADATA_TOUCH")] public const string TouchKey = "# TOUCH: ";

    private sealed class HandleInfo(uint id)
    {
        public uint Id { get; } = id;
        public int Seq { get; set; } = -1;
        public string? GlobalReference { get; set; }
        public string? LocalLocation { get; set; }
        public string? MetadataFile { get; set; }
        public string? CrsComponent { get; set; }
        public bool Skipped { get; set; }
        public long SyncOrder { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<uint, HandleInfo> _handles = new();
    private long _syncs;
    private readonly RmlRouter _router;
    private readonly RankHost _host;
    private readonly SnapshotFiles _files;
    private readonly TimeSpan _pullBound;
    private readonly Func<int> _getPid;

    public SstoreCentralApp(RmlRouter router, RankHost host, SnapshotFiles files, TimeSpan pullBound, Func<int> getPid)
    {
        _router = router;
        _host = host;
        _files = files;
        _pullBound = pullBound;
        _getPid = getPid;
    }

    public int RegisterHandle(uint id)
    {
        _host.SstoreHandleCurrent = id;
        var info = new HandleInfo(id);
        lock (_gate)
        {
            // Central drops a stale record for the same handle; every synced one but the last is done with.
            _handles.Remove(id);
            var done = new List<uint>();
            foreach (var (key, value) in _handles)
            {
                if (value.SyncOrder != 0 && value.SyncOrder < _syncs)
                {
                    done.Add(key);
                }
            }
            done.ForEach(key => _handles.Remove(key));
            _handles[id] = info;
        }

        var status = Pull(info);
        if (status == OpalStatus.Success && info.LocalLocation is null)
        {
            Log.Error($"native-snapc: sstore: the local coordinator has no record of handle {id} (seq -1, no location)");
            status = OpalStatus.Error;
        }
        if (status == OpalStatus.Success && _files.CreateDirectories(info.LocalLocation!) is { } mkdirError)
        {
            Log.Error($"native-snapc: sstore: cannot make the local snapshot directory {info.LocalLocation}: {mkdirError}");
            status = OpalStatus.Error;
        }
        if (status == OpalStatus.Success)
        {
            status = Append(info, TimestampKey, Ctime());
        }
        if (status == OpalStatus.Success)
        {
            status = Append(info, PidKey, _getPid().ToString(CultureInfo.InvariantCulture) + "\n");
        }
        Log.Verbose(10, $"native-snapc: sstore: register handle {id}: seq {info.Seq}, ref {info.GlobalReference}, location {info.LocalLocation} ({status})");
        return status;
    }

    /// <summary>PULL [uint8 1][uint32 h] to the daemon, then its reply [2][h][seq][ref][location][metadata], bounded.</summary>
    private int Pull(HandleInfo info)
    {
        var bufferType = _host.BufferType;
        var status = SstoreCentralMessages.BuildAppPull(bufferType, info.Id, out var pull);
        if (status == OpalStatus.Success)
        {
            status = _router.Send(_host.Daemon, FrameRole.Daemon, RmlTag.SstoreInternal, pull);
        }
        if (status != OpalStatus.Success)
        {
            Log.Error($"native-snapc: sstore: cannot send the PULL for handle {info.Id} to the local coordinator ({status})");
            return status;
        }
        status = _router.Receive(_host.Daemon, RmlTag.SstoreInternal, _pullBound, out var payload);
        if (status != OpalStatus.Success)
        {
            Log.Error($"native-snapc: sstore: no reply to the PULL for handle {info.Id} within {_pullBound.TotalSeconds:0} s ({status})");
            return status;
        }
        status = SstoreCentralMessages.ParsePullReply(payload, bufferType, out var reply);
        if (status != OpalStatus.Success)
        {
            Log.Error($"native-snapc: sstore: the PULL reply for handle {info.Id} cannot be unpacked ({status})");
            return status;
        }
        if (reply!.Handle != info.Id)
        {
            // Central ignores this too; say it.
            Log.Error($"native-snapc: sstore: the PULL reply is for handle {reply.Handle}, not {info.Id}");
        }
        info.Seq = reply.Seq;
        info.GlobalReference = reply.GlobalReference;
        info.LocalLocation = reply.LocalLocation;
        info.MetadataFile = reply.MetadataFile;
        return OpalStatus.Success;
    }

    /// <summary>get_attr: a fresh string for the four keys central answers; any other key is NOT_SUPPORTED with the output untouched.</summary>
    public int GetAttr(uint id, uint key, out string? value, out bool answered)
    {
        value = null;
        answered = false;
        lock (_gate)
        {
            if (!_handles.TryGetValue(id, out var info))
            {
                return OpalStatus.NotFound;
            }
            switch (key)
            {
                case SstoreKey.GlobalSnapSeq:
                    value = info.Seq.ToString(CultureInfo.InvariantCulture);
                    break;
                case SstoreKey.LocalSnapLoc:
                    value = info.LocalLocation;
                    break;
                case SstoreKey.LocalSnapMeta:
                    value = info.MetadataFile;
                    break;
                case SstoreKey.GlobalSnapRef:
                    value = info.GlobalReference;
                    break;
                default:
                    return OpalStatus.NotSupported;
            }
            answered = true;
            return OpalStatus.Success;
        }
    }

    public int SetAttr(uint id, uint key, string? value)
    {
        if (value is null || key >= SstoreKey.Max)
        {
            return OpalStatus.Error;
        }
        HandleInfo? info;
        lock (_gate)
        {
            if (!_handles.TryGetValue(id, out info))
            {
                return OpalStatus.NotFound;
            }
            switch (key)
            {
                case SstoreKey.LocalCrsComp:
                    info.CrsComponent = value;
                    return OpalStatus.Success;
                case SstoreKey.LocalSkipCkpt:
                    info.Skipped = true;
                    return OpalStatus.Success;
                case SstoreKey.LocalMkdir:
                case SstoreKey.LocalTouch:
                    break;
                default:
                    return OpalStatus.Error;
            }
        }
        return Append(info, key == SstoreKey.LocalMkdir ? MkdirKey : TouchKey, value + "\n");
    }

    /// <summary>sync: a timestamp, then PUSH [uint8 2][uint32 h][bool skipped][string crs_comp unless skipped]; the current handle is cleared whatever happens.</summary>
    public int Sync(uint id)
    {
        HandleInfo? info;
        lock (_gate)
        {
            _handles.TryGetValue(id, out info);
            if (info is not null)
            {
                info.SyncOrder = ++_syncs;
            }
        }
        var status = info is null ? OpalStatus.NotFound : Append(info, TimestampKey, Ctime());
        if (status == OpalStatus.Success)
        {
            status = SstoreCentralMessages.BuildAppPush(_host.BufferType, id, info!.Skipped, info.Skipped ? null : info.CrsComponent, out var push);
            if (status == OpalStatus.Success)
            {
                status = _router.Send(_host.Daemon, FrameRole.Daemon, RmlTag.SstoreInternal, push);
            }
        }
        _host.SstoreHandleCurrent = SstoreHandle.Invalid;
        if (status != OpalStatus.Success)
        {
            Log.Error($"native-snapc: sstore: sync of handle {id} failed ({status})");
        }
        return status;
    }

    private int Append(HandleInfo info, string key, string value)
    {
        if (info.MetadataFile is null)
        {
            return OpalStatus.Error;
        }
        if (_files.Append(info.MetadataFile, key + value) is { } error)
        {
            Log.Error($"native-snapc: sstore: cannot write the snapshot metadata {info.MetadataFile}: {error}");
            return OpalStatus.Error;
        }
        return OpalStatus.Success;
    }

    /// <summary>ctime(3)'s text of now, local time, with its newline: "Wed Dec  2 04:18:56 2026\n".</summary>
    public static string Ctime()
    {
        var now = DateTime.Now;
        return string.Create(CultureInfo.InvariantCulture, $"{now:ddd} {now:MMM} {now.Day,2} {now:HH:mm:ss} {now.Year}\n");
    }
}
