using System;
using System.IO;
using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;
using NativeSnapc.Exports;
using NativeSnapc.Host.Mpi;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Runtime;

namespace NativeSnapc.Composition;

/// <summary>
/// Wires the runtime (src/NativeSnapc/Runtime) to this process: the MPI table of the profiling layer, the Open MPI
/// host, the slots it fills (the exports of <see cref="RuntimeSlotExports"/>), the component directory beside this
/// library, and the application coordinator's progress. The exports of the runtime, the slots and the C/R API land here.
/// </summary>
internal static unsafe class RankRuntimeRoot
{
    public static int Start(NativeSnapcMpi* table)
    {
        if (!MpiPort.TryCreate(table, out var mpi, out var error))
        {
            Log.Error($"native-snapc: checkpointing is off in this process: {error}");
            return 1;
        }
        var settings = CoordinatorSettingsReader.ReadFromEnvironment();
        var parts = new RuntimeParts(
            Libc.Getenv,
            Libc.GetHostName,
            Libc.GetPid,
            ComponentDirectory(),
            () => AppCoordinatorRoot.CheckpointAttempts,
            CrsSelfComponent.AllowSelectionWithoutCallbacks,
            RuntimeSlotExports.RmlSendAddress,
            RuntimeSlotExports.RmlReceiveAddress,
            RuntimeSlotExports.RmlCancelAddress,
            RuntimeSlotExports.SstoreRegisterHandleAddress,
            RuntimeSlotExports.SstoreGetAttrAddress,
            RuntimeSlotExports.SstoreSetAttrAddress,
            RuntimeSlotExports.SstoreSyncAddress,
            RuntimeSlotExports.CoordinationCallbackAddress);
        return RankRuntime.Start(mpi, parts, settings);
    }

    public static int Stop() => RankRuntime.Stop();

    public static void TestPoint() => RankRuntime.Active?.TestPoint();

    /// <summary>The MCA component links installed beside this library (lib/openmpi, or publish/openmpi in the build tree).</summary>
    private static string ComponentDirectory()
    {
        var self = Libc.PathOfLoadedObject(RuntimeSlotExports.CoordinationCallbackAddress);
        var directory = self is null ? "." : Path.GetDirectoryName(self) ?? ".";
        return Path.Combine(directory, "openmpi");
    }

    // ---- the C/R API ------------------------------------------------------------------------------

    /// <summary>The runtime's C/R calls, or null with a log line when it is not active in this process.</summary>
    private static CrApi? Api(string call)
    {
        var runtime = RankRuntime.Active;
        if (runtime is null)
        {
            Log.Error($"native-snapc: {call}: checkpointing is not active in this process (see the line native-snapc wrote at MPI_Init)");
            return null;
        }
        return new CrApi(runtime);
    }

    public static int SafePoint(nint comm, int* checkpointed)
    {
        if (checkpointed is not null)
        {
            *checkpointed = 0;
        }
        var runtime = RankRuntime.Active;
        if (runtime is null)
        {
            return CrApi.MpiSuccess;
        }
        var status = runtime.SafePoint(comm, out var taken);
        if (checkpointed is not null)
        {
            *checkpointed = taken ? 1 : 0;
        }
        return status;
    }

    public static int Checkpoint(byte** handle, int* seq)
    {
        var result = Api("OMPI_CR_Checkpoint")?.Checkpoint() ?? new CrResult(CrApi.MpiErrOther, null, -1);
        return Deliver(result, handle, seq);
    }

    public static int Restart(byte* handle, int seq)
    {
        if (handle is null)
        {
            Log.Error("native-snapc: OMPI_CR_Restart: the handle is NULL");
            return CrApi.MpiErrOther;
        }
        return Api("OMPI_CR_Restart")?.Restart(HostString.Read(handle)!, seq) ?? CrApi.MpiErrOther;
    }

    public static int Migrate(nint comm, byte* hostName, nint info)
    {
        var api = Api("OMPI_CR_Migrate");
        if (api is null)
        {
            return CrApi.MpiErrOther;
        }
        var offNode = RankRuntime.Active!.Mpi.InfoGet(info, "CR_OFF_NODE")?.StartsWith("true", StringComparison.Ordinal) == true;
        return api.Migrate(comm, HostString.Read(hostName), offNode);
    }

    public static int QuiesceStart() => Api("OMPI_CR_Quiesce_start")?.QuiesceStart() ?? CrApi.MpiErrOther;

    public static int QuiesceCheckpoint(byte** handle, int* seq)
    {
        var result = Api("OMPI_CR_Quiesce_checkpoint")?.QuiesceCheckpoint() ?? new CrResult(CrApi.MpiErrOther, null, -1);
        return Deliver(result, handle, seq);
    }

    public static int QuiesceEnd() => Api("OMPI_CR_Quiesce_end")?.QuiesceEnd() ?? CrApi.MpiErrOther;

    public static int RegisterIncCallback(int incEvent, nint function, nint* previous)
    {
        var runtime = RankRuntime.Active;
        if (runtime is null)
        {
            Log.Error("native-snapc: OMPI_CR_INC_register_callback: checkpointing is not active in this process");
            return CrApi.MpiErrOther;
        }
        nint old = 0;
        var rc = runtime.Host.RegisterIncCallback(incEvent, function, &old);
        if (previous is not null)
        {
            *previous = old;
        }
        return rc == OpalStatus.Success ? CrApi.MpiSuccess : CrApi.MpiErrOther;
    }

    public static int RegisterSelfCallback(string which, nint function)
    {
        var rc = which switch
        {
            "checkpoint" => CrsSelfComponent.RegisterCheckpointCallback(function),
            "continue" => CrsSelfComponent.RegisterContinueCallback(function),
            _ => CrsSelfComponent.RegisterRestartCallback(function),
        };
        return rc == OpalStatus.Success ? CrApi.MpiSuccess : CrApi.MpiErrOther;
    }

    /// <summary>The handle as a malloc'ed string the caller frees (NULL on failure), and the sequence (-1 on failure).</summary>
    private static int Deliver(CrResult result, byte** handle, int* seq)
    {
        if (handle is not null)
        {
            *handle = result.Status == CrApi.MpiSuccess ? HostString.Duplicate(result.Handle ?? "") : null;
        }
        if (seq is not null)
        {
            *seq = result.Status == CrApi.MpiSuccess ? result.Seq : -1;
        }
        return result.Status;
    }

    // ---- the slots the runtime fills -----------------------------------------------------------------

    public static int RmlSend(OrteProcessName* peer, OpalBuffer* buffer, uint tag, nint callback, nint callbackData)
    {
        var runtime = RankRuntime.Active;
        if (runtime?.Router is null || peer is null || buffer is null)
        {
            return peer is null || buffer is null ? OpalStatus.BadParam : OpalStatus.Unreach;
        }
        var host = runtime.Host;
        var role = host.IsHnpField(peer) ? FrameRole.Hnp
            : host.IsDaemonField(peer) ? FrameRole.Daemon
            : RoleByValue(host, *peer, tag);
        if (role is null)
        {
            Log.Error($"native-snapc: RML send on tag {tag} to {*peer}: neither this process's HNP nor its daemon");
            return OpalStatus.AddresseeUnknown;
        }
        var status = runtime.Router.Send(*peer, role.Value, tag, RankHost.SentBytes(buffer));
        if (status == OpalStatus.Success)
        {
            // The send is complete: its callback (orte_rml_send_callback releases the buffer) runs now.
            RankHost.CompleteSend(callback, callbackData, status, *peer, (nint)buffer, tag);
        }
        return status;
    }

    // When mpirun is both the HNP and the daemon the name cannot tell: tag 25 is HNP traffic (snapc_full).
    private static FrameRole? RoleByValue(RankHost host, OrteProcessName peer, uint tag)
    {
        var isHnp = peer.jobid == host.Hnp.jobid && peer.vpid == host.Hnp.vpid;
        var isDaemon = peer.jobid == host.Daemon.jobid && peer.vpid == host.Daemon.vpid;
        return isHnp && isDaemon ? (tag == RmlTag.SnapcFull ? FrameRole.Hnp : FrameRole.Daemon)
            : isHnp ? FrameRole.Hnp
            : isDaemon ? FrameRole.Daemon
            : null;
    }

    public static void RmlReceive(OrteProcessName* peer, uint tag, bool persistent, nint callback, nint callbackData)
    {
        var router = RankRuntime.Active?.Router;
        if (router is null || peer is null || callback == 0)
        {
            Log.Error($"native-snapc: RML receive on tag {tag} posted without the runtime, a peer or a callback; ignored");
            return;
        }
        router.Post(*peer, tag, persistent, callback, callbackData);
    }

    public static void RmlCancel(OrteProcessName* peer, uint tag)
    {
        if (peer is not null)
        {
            RankRuntime.Active?.Router?.Cancel(*peer, tag);
        }
    }

    public static int SstoreRegisterHandle(uint handle) => Sstore()?.RegisterHandle(handle) ?? OpalStatus.NotInitialized;

    public static int SstoreGetAttr(uint handle, uint key, byte** value)
    {
        var sstore = Sstore();
        if (sstore is null)
        {
            return OpalStatus.NotInitialized;
        }
        if (value is null)
        {
            return OpalStatus.BadParam;
        }
        var status = sstore.GetAttr(handle, key, out var text, out var answered);
        if (answered)
        {
            *value = HostString.Duplicate(text);
        }
        return status;
    }

    public static int SstoreSetAttr(uint handle, uint key, byte* value) => Sstore()?.SetAttr(handle, key, HostString.Read(value)) ?? OpalStatus.NotInitialized;

    public static int SstoreSync(uint handle) => Sstore()?.Sync(handle) ?? OpalStatus.NotInitialized;

    private static SstoreCentralApp? Sstore() => RankRuntime.Active?.Sstore;

    /// <summary>
    /// The coordination callback, in orte_cr_coord's place of Open MPI 3.1 (4.1's own ompi_cr_coord crashes on its first
    /// checkpoint): snapc's ft_event before OPAL's layer for CHECKPOINT, after it otherwise; OPAL's status is returned.
    /// </summary>
    public static int Coordinate(int state)
    {
        var runtime = RankRuntime.Active;
        if (runtime is null)
        {
            return OpalStatus.Success;
        }
        var host = runtime.Host;
        int ftEvent, below;
        if (state == (int)OpalCrsState.Checkpoint)
        {
            ftEvent = host.SnapcFtEvent(state);
            below = host.OpalCrCoord(state);
        }
        else
        {
            below = host.OpalCrCoord(state);
            ftEvent = host.SnapcFtEvent(state);
        }
        if (ftEvent != OpalStatus.Success)
        {
            Log.Error($"native-snapc: the coordinator's ft_event({state}) failed ({ftEvent})");
        }
        return below;
    }
}
