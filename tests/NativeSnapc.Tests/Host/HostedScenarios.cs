using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Exports;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;

namespace NativeSnapc.Tests.Host;

/// <summary>
/// Scenarios that run inside hosted_runtime_driver.c: a process where the real Open MPI 4.1 libopen-pal and
/// libopen-rte are loaded and initialised (opal_init) before .NET starts, as in an MPI rank. Each binds the
/// Open MPI host adapter for real; where stock Open MPI 4.1 leaves a function table empty (PMIx outside
/// mpirun, sstore always) the scenario fills the slots with recording fakes, and where a real RML transport
/// would be needed the fakes hand the buffers to the real orte_rml_send_callback / orte_rml_recv_callback.
/// Failures throw; <see cref="Run"/> prints the outcome and returns the exit status the parent test checks
/// (<see cref="OpenMpiHostHostedTests"/>). NUnit is not used here: there is no test context in this process.
/// The fakes do not catch: an exception in one ends the child with the runtime's report, which fails the test.
/// </summary>
public static unsafe class HostedScenarios
{
    private static readonly Dictionary<string, Action> s_scenarios = new(StringComparer.Ordinal)
    {
        ["bind-without-open-mpi"] = BindWithoutOpenMpi,
        ["bind-stock"] = BindStock,
        ["bind-rtld-local"] = BindRtldLocal,
        ["bind-refuses-other-layouts"] = BindRefusesOtherLayouts,
        ["objects"] = Objects,
        ["snapshot"] = Snapshot,
        ["request-op"] = RequestOp,
        ["send"] = Send,
        ["send-stock-rml"] = SendThroughStockRml,
        ["receive"] = Receive,
        ["receive-timeout"] = ReceiveTimeout,
        ["sstore-fence"] = SstoreAndFence,
        ["slots-emptied-after-bind"] = SlotsEmptiedAfterBind,
        ["cr-state"] = CrState,
        ["buffer-type-described"] = BufferTypeDescribed,
        ["notify"] = Notify,
        ["inc-core"] = IncCore,
        ["timers"] = Timers,
        ["log"] = LogThroughOpalOutput,
        ["settings"] = Settings,
    };

    public static IEnumerable<string> Names => s_scenarios.Keys;

    /// <summary>The driver's entry point: <c>int Run(const char *scenario)</c>; 0 when the scenario passed.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Run(byte* scenario)
    {
        var name = Marshal.PtrToStringUTF8((nint)scenario) ?? "";
        try
        {
            if (!s_scenarios.TryGetValue(name, out var body))
            {
                Console.Out.WriteLine($"scenario {name}: unknown");
                return 2;
            }
            body();
            Console.Out.WriteLine($"scenario {name}: passed");
            return 0;
        }
        catch (Exception error)
        {
            Console.Out.WriteLine($"scenario {name}: FAILED: {error}");
            return 1;
        }
        finally
        {
            Console.Out.Flush();
        }
    }

    // ---- binding ----------------------------------------------------------------------------------

    private static void BindWithoutOpenMpi()
    {
        var sinkBefore = Log.Sink;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out var host, out var error), "binding succeeded without Open MPI");
        Expect(host is null, "a host object was returned");
        Contains(error, "symbol 'opal_pmix' was not found");
        Contains(error, "neither library is loaded in this process");
        Expect(ReferenceEquals(sinkBefore, Log.Sink), "a failed binding changed the log sink");
    }

    private static void BindStock()
    {
        // After opal_init alone (no orte_init, no mpirun) the PMIx table is empty.
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out var error), "bound although opal_pmix.fence is NULL");
        Contains(error, "opal_pmix.fence is NULL");

        Pmix->fence = &FakeFence;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound although the sstore table is empty");
        Contains(error, "orte_sstore.register_handle, orte_sstore.get_attr, orte_sstore.set_attr and orte_sstore.sync are NULL: no sstore component is selected");
        Contains(error, "README.md, \"What a host must provide\"");

        // Every missing sstore slot is named, in table order.
        Sstore->register_handle = &FakeRegisterHandle;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound without get_attr");
        Contains(error, "orte_sstore.get_attr, orte_sstore.set_attr and orte_sstore.sync are NULL");
        Sstore->get_attr = &FakeGetAttr;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound without set_attr");
        Contains(error, "orte_sstore.set_attr and orte_sstore.sync are NULL");
        Sstore->set_attr = &FakeSetAttr;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound without sync");
        Contains(error, "orte_sstore.sync is NULL: no sstore component is selected");
        Sstore->sync = &FakeSync;

        Expect(OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out var host, out error), "binding failed: " + error);
        Equal("", error, "error of a successful binding");
        Expect(host is not null && Log.Sink is not null, "no host, or the log sink was not attached");
    }

    private static void BindRtldLocal()
    {
        // Run with Open MPI loaded RTLD_LOCAL and not initialised: opal_init would dlopen its MCA components
        // RTLD_GLOBAL, and glibc then promotes libopen-pal itself into the global scope.
        // The host loaded Open MPI RTLD_LOCAL: the global scope does not have it...
        Expect(!NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "opal_pmix", out _),
            "precondition: opal_pmix is visible in the global scope");
        // ...but the already-loaded copy is found, so binding gets as far as the empty tables.
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out var error), "bound although opal_pmix.fence is NULL");
        Contains(error, "opal_pmix.fence is NULL");

        var host = BindWithFakes();
        Equal(OpalStatus.Success, host.Fence(), "fence through the RTLD_LOCAL copy");
        Equal(1, s_fenceCalls, "fence calls");
        *(int*)Sym("opal_cr_entry_point_signal") = 12;
        Equal(12, host.EntryPointSignal, "opal_cr_entry_point_signal of the RTLD_LOCAL copy");

        // Not initialised, so no MCA variable is registered: settings come from the environment, and looking
        // them up must not touch the uninitialised variable system (mca_base_var_find would divide by zero).
        NativeEnvironment.Set("OMPI_MCA_snapc_full_reply_timeout", "21");
        Equal("21", host.LookupSetting(CoordinatorSettingsReader.ReplyTimeout), "setting from the environment");
        Equal(TimeSpan.FromSeconds(21), host.ReadSettings().ReplyTimeout, "reply timeout");
    }

    private static void BindRefusesOtherLayouts()
    {
        InstallSstoreAndFenceFakes();
        var buffer = (OpalClass*)Sym("opal_buffer_t_class");
        var objectClass = (OpalClass*)Sym("opal_object_t_class");

        buffer->cls_sizeof = 88;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out var error), "bound to a debug-sized opal_buffer_t");
        Contains(error, "opal_buffer_t is 88 bytes in this process (opal_buffer_t_class.cls_sizeof)");
        Contains(error, "debug build (OPAL_ENABLE_DEBUG=1, 40-byte opal_object_t)");
        Contains(error, "supports only release builds");

        buffer->cls_sizeof = 72;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound to an unknown opal_buffer_t layout");
        Contains(error, "opal_buffer_t is 72 bytes");
        Contains(error, "an object layout native-snapc does not know");
        buffer->cls_sizeof = 64;

        objectClass->cls_sizeof = 40;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound to a 40-byte opal_object_t");
        Contains(error, "opal_object_t is 40 bytes in this process (opal_object_t_class.cls_sizeof)");
        objectClass->cls_sizeof = 16;

        var requestOp = (OpalClass*)Sym("orte_snapc_base_request_op_t_class");
        requestOp->cls_sizeof = 104;
        Expect(!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "bound to a debug-sized request_op datum");
        Contains(error, "orte_snapc_base_request_op_t is 104 bytes");
        requestOp->cls_sizeof = 80;

        Expect(OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out _, out error), "release layouts refused: " + error);
    }

    // ---- OBJ protocol -----------------------------------------------------------------------------

    private static void Objects()
    {
        var objects = NewObjects();
        var epoch = (int*)Sym("opal_class_init_epoch");

        // A class of our own, child of opal_object_t, shows each step of the protocol.
        var cls = (OpalClass*)NativeMemory.AllocZeroed((nuint)sizeof(OpalClass));
        cls->cls_name = HostString.Duplicate("native_snapc_test_t");
        cls->cls_parent = (OpalClass*)Sym("opal_object_t_class");
        cls->cls_construct = &RecordConstruct;
        cls->cls_destruct = &RecordDestruct;
        cls->cls_sizeof = 32;

        var obj = objects.New(cls);
        Equal(*epoch, cls->cls_initialized, "cls_initialized after OBJ_NEW (opal_class_initialize ran)");
        Equal(2, cls->cls_depth, "cls_depth");
        Expect((nint)cls->cls_construct_array[0] == (nint)cls->cls_construct && cls->cls_construct_array[1] == null, "constructor array");
        Expect((nint)cls->cls_destruct_array[0] == (nint)cls->cls_destruct && cls->cls_destruct_array[1] == null, "destructor array");
        Expect(obj->obj_class == cls, "obj_class");
        Equal(1, obj->obj_reference_count, "reference count after OBJ_NEW");
        Equal(1, s_constructed.Count, "constructor calls");
        Expect(s_constructed[0] == ((nint)obj, (nint)cls, 1), "the constructor saw the object with its class and count set");

        OpalObjects.Retain(obj);
        Equal(2, obj->obj_reference_count, "reference count after OBJ_RETAIN");
        Expect(!OpalObjects.Release(obj), "the first release freed the object");
        Equal(0, s_destructed.Count, "destructor calls before the last release");
        Expect(OpalObjects.Release(obj), "the last release did not free the object");
        Equal(1, s_destructed.Count, "destructor calls after the last release");
        Expect(s_destructed[0] == (nint)obj, "the destructor got the object");

        // opal_class_finalize bumps the epoch: a class initialised under an older one is initialised again.
        var staleArray = cls->cls_construct_array;
        (*epoch)++;
        obj = objects.New(cls);
        Equal(*epoch, cls->cls_initialized, "cls_initialized after an epoch change");
        Expect(cls->cls_construct_array != staleArray, "the class was not initialised again for the new epoch");
        Expect(OpalObjects.Release(obj), "release");

        // The host's own classes: what their constructors set (docs/abi.md#class-descriptors).
        var bufferClass = (OpalClass*)Sym("opal_buffer_t_class");
        var buffer = (OpalBuffer*)objects.New(bufferClass);
        Expect(buffer->parent.obj_class == bufferClass && buffer->parent.obj_reference_count == 1, "buffer header");
        Equal(DssBufferType.NonDescribed, buffer->type, "buffer type (the release default)");
        Expect(buffer->base_ptr == null && buffer->pack_ptr == null && buffer->unpack_ptr == null, "buffer pointers");
        Expect(buffer->bytes_allocated == 0 && buffer->bytes_used == 0, "buffer sizes");
        // The destructor frees what opal_dss.load handed it: a glibc abort here means a foreign allocator.
        Equal(0, Dss->load(buffer, NativeMemory.Alloc(8), 8), "opal_dss.load");
        Expect(OpalObjects.Release(&buffer->parent), "buffer release");

        var recvCb = (OrteRmlRecvCb*)objects.New((OpalClass*)Sym("orte_rml_recv_cb_t_class"));
        Equal((byte)0, recvCb->active, "recv_cb active");
        Expect(recvCb->data.parent.obj_class == bufferClass && recvCb->data.parent.obj_reference_count == 1, "embedded data buffer constructed");
        Expect(recvCb->data.base_ptr == null, "embedded data buffer empty");
        Expect(OpalObjects.Release(&recvCb->super), "recv_cb release");

        var options = (OpalCrsBaseCkptOptions*)objects.New((OpalClass*)Sym("opal_crs_base_ckpt_options_t_class"));
        Expect(options->term == 0 && options->stop == 0 && options->inc_prep_only == 0 && options->inc_recover_only == 0, "options cleared");
        Expect(OpalObjects.Release(&options->super), "options release");
    }

    private static void Snapshot()
    {
        var host = BindWithFakes();
        var snapshot = (OwnedCrsSnapshot)host.CreateSnapshot(7);
        var raw = snapshot.Pointer;
        Expect(raw->super.super.obj_class == (OpalClass*)Sym("opal_crs_base_snapshot_t_class"), "snapshot class");
        Equal(1, raw->super.super.obj_reference_count, "snapshot reference count");
        Equal(1, raw->super.item_free, "list item constructor ran (item_free)");
        Expect(raw->super.opal_list_next == null && raw->super.opal_list_prev == null, "list links");
        Expect(raw->component_name == null && raw->metadata_filename == null && raw->metadata == null && raw->snapshot_directory == null,
            "snapshot constructor cleared the fields");
        Equal((byte)0, raw->cold_start, "cold_start");
        Expect(snapshot.ComponentName is null && snapshot.SnapshotDirectory is null && snapshot.MetadataFilename is null, "properties of a new snapshot");

        snapshot.ComponentName = "self";
        snapshot.SnapshotDirectory = "/tmp/ompi_global_snapshot_1.ckpt/0/opal_snapshot_0.ckpt";
        snapshot.SnapshotDirectory = "/tmp/ompi_global_snapshot_1.ckpt/1/opal_snapshot_0.ckpt";
        snapshot.MetadataFilename = "snapshot_meta.data";
        Equal("self", HostString.Read(raw->component_name), "component_name field");
        Equal("/tmp/ompi_global_snapshot_1.ckpt/1/opal_snapshot_0.ckpt", snapshot.SnapshotDirectory, "snapshot_directory");
        Equal("snapshot_meta.data", HostString.Read(raw->metadata_filename), "metadata_filename field");
        snapshot.MetadataFilename = null;
        Expect(raw->metadata_filename == null, "metadata_filename not cleared");
        snapshot.MetadataFilename = "snapshot_meta.data";

        // The destructor frees metadata_filename and snapshot_directory, Dispose frees component_name.
        snapshot.Dispose();
        Expect(snapshot.Pointer == null, "pointer kept after Dispose");
        snapshot.Dispose();
        Throws<ObjectDisposedException>(() => _ = snapshot.ComponentName, "reading a disposed snapshot");
    }

    private static void RequestOp()
    {
        BindWithFakes();
        var objects = NewObjects();
        var datum = (OrteSnapcBaseRequestOp*)objects.New((OpalClass*)Sym("orte_snapc_base_request_op_t_class"));

        var op = new RequestOperationDatum(datum).Read()!;
        Equal(0, op.Event, "event after the constructor");
        Equal(-1, op.Leader, "leader");
        Equal(-1, op.SeqNum, "seq_num");
        Equal<string?>(null, op.GlobalHandle, "global_handle");
        Equal(-1, op.MigrationCount, "mig_num");
        Expect(op.Migrations is null, "a table for a non-MIGRATE datum");

        datum->@event = SnapcOpEvent.Migrate;
        datum->mig_num = 2;
        datum->mig_vpids = (int*)NativeMemory.Alloc(2 * sizeof(int));
        datum->mig_vpid_pref = (int*)NativeMemory.Alloc(2 * sizeof(int));
        datum->mig_off_node = (int*)NativeMemory.Alloc(2 * sizeof(int));
        datum->mig_host_pref = (byte*)NativeMemory.Alloc(2 * OpalConfig.MaxProcessorName);
        datum->mig_vpids[0] = 0; datum->mig_vpids[1] = 5;
        datum->mig_vpid_pref[0] = -1; datum->mig_vpid_pref[1] = 2;
        datum->mig_off_node[0] = 0; datum->mig_off_node[1] = 1;
        var rows = new Span<byte>(datum->mig_host_pref, 2 * OpalConfig.MaxProcessorName);
        rows.Fill((byte)'x');
        "node07\0"u8.CopyTo(rows);
        op = new RequestOperationDatum(datum).Read()!;
        Equal(2, op.Migrations?.Count ?? -1, "migration rows");
        Equal(new SnapcMigrationEntry(0, "node07", -1, 0), op.Migrations![0], "row 0");
        Equal(new SnapcMigrationEntry(5, new string('x', OpalConfig.MaxProcessorName), 2, 1), op.Migrations[1], "row 1 (unterminated: read within its 256 bytes)");

        datum->global_handle = HostString.Duplicate("ompi_global_snapshot_0.ckpt");
        op = new RequestOperationDatum(datum).Read()!;
        op.SeqNum = 7;
        op.SetGlobalHandle("ompi_global_snapshot_4242.ckpt");
        new RequestOperationDatum(datum).Write(op);
        Equal(7, datum->seq_num, "seq_num written back");
        Equal("ompi_global_snapshot_4242.ckpt", HostString.Read(datum->global_handle), "global_handle written back");

        NativeMemory.Free(datum->mig_vpids);
        NativeMemory.Free(datum->mig_vpid_pref);
        NativeMemory.Free(datum->mig_off_node);
        NativeMemory.Free(datum->mig_host_pref);
        // The real destructor frees global_handle with free(): the string we stored must be malloc'ed.
        Expect(OpalObjects.Release(&datum->super), "datum release");
    }

    // ---- RML ----------------------------------------------------------------------------------------

    private static void Send()
    {
        var host = BindWithFakes();
        var original = Rml->send_buffer_nb;
        Rml->send_buffer_nb = &FakeSendBufferNb;
        *(int*)Sym("orte_mgmt_conduit") = 3;
        var processInfo = (OrteProcInfo*)Sym("orte_process_info");
        var payload = Convert.FromHexString("00000001080000000112ab0001000000010900000001");

        s_sendFails = false;
        Equal(OpalStatus.Success, host.Send(RmlPeer.Hnp, RmlTag.SnapcFull, payload), "send to the HNP");
        var sent = s_sends.Single();
        Equal((ushort)3, sent.Conduit, "conduit (orte_mgmt_conduit)");
        Expect(sent.Peer == (nint)(&processInfo->my_hnp), "peer is ORTE_PROC_MY_HNP");
        Equal(RmlTag.SnapcFull, sent.Tag, "tag");
        Expect(sent.Callback == Sym("orte_rml_send_callback") && sent.CallbackData == 0, "callback is orte_rml_send_callback, cbdata NULL");
        Expect(sent.BufferClass == Sym("opal_buffer_t_class") && sent.ReferenceCount == 1, "a fresh host opal_buffer_t");
        Equal(DssBufferType.NonDescribed, sent.Type, "buffer type");
        Expect(sent.UnpackAtBase, "unpack_ptr at base_ptr (load)");
        Equal(Convert.ToHexString(payload), Convert.ToHexString(sent.Bytes), "payload");
        // The fake delivered it like the RML does: the real orte_rml_send_callback released (freed) it.

        s_sends.Clear();
        Equal(OpalStatus.Success, host.Send(RmlPeer.Daemon, RmlTag.Snapc, [0, 0, 0, 1, 5]), "send to the daemon");
        Expect(s_sends.Single().Peer == (nint)(&processInfo->my_daemon), "peer is ORTE_PROC_MY_DAEMON");
        Equal(RmlTag.Snapc, s_sends.Single().Tag, "daemon tag");

        s_sends.Clear();
        Equal(OpalStatus.Success, host.Send(RmlPeer.Hnp, RmlTag.SnapcFull, []), "empty payload");
        Equal(0, s_sends.Single().Bytes.Length, "empty payload bytes");

        // A failed send leaves the buffer with the caller, who must release it.
        s_sends.Clear();
        s_sendFails = true;
        *(int*)Sym("orte_mgmt_conduit") = -1;
        Equal(-12, host.Send(RmlPeer.Hnp, RmlTag.SnapcFull, payload), "failed send status");
        var failed = s_sends.Single();
        Equal(ushort.MaxValue, failed.Conduit, "conduit -1 passed as uint16");
        var kept = (OpalBuffer*)failed.Buffer;
        Equal(1, kept->parent.obj_reference_count, "the adapter did not release its reference after the failed send");
        Expect(OpalObjects.Release(&kept->parent), "release of the failed send's buffer");
        Rml->send_buffer_nb = original;
    }

    private static void SendThroughStockRml()
    {
        var host = BindWithFakes();
        // Stock 4.1.4 application process: no RML conduit (orte_mgmt_conduit = -1).
        Equal(-1, *(int*)Sym("orte_mgmt_conduit"), "precondition: orte_mgmt_conduit");
        Equal(-12, host.Send(RmlPeer.Hnp, RmlTag.SnapcFull, [0, 0, 0, 1, 8]), "send without a conduit (ORTE_ERR_UNREACH)");
    }

    private static void Receive()
    {
        var host = BindWithFakes();
        var processInfo = (OrteProcInfo*)Sym("orte_process_info");
        Rml->recv_buffer_nb = &FakeRecvBufferNb;
        Rml->recv_cancel = &FakeRecvCancel;
        var reply = Convert.FromHexString("0000000108000000010900000004000000010900000000");

        s_replyBytes = reply;
        s_replyDelay = TimeSpan.FromMilliseconds(50);
        Equal(OpalStatus.Success, host.Receive(RmlPeer.Hnp, RmlTag.SnapcFull, TimeSpan.FromSeconds(20), out var payload), "receive");
        Equal(Convert.ToHexString(reply), Convert.ToHexString(payload), "payload");
        var posted = s_receives.Single();
        Expect(posted.Peer == (nint)(&processInfo->my_hnp), "peer is ORTE_PROC_MY_HNP");
        Equal(RmlTag.SnapcFull, posted.Tag, "tag");
        Equal((byte)0, posted.Persistent, "non-persistent");
        Expect(posted.Callback == Sym("orte_rml_recv_callback"), "callback is orte_rml_recv_callback");
        Equal((byte)1, posted.ActiveAtPost, "rb->active set before posting");
        Equal(0, s_cancels.Count, "cancels");

        // A reply delivered before the wait starts (inside recv_buffer_nb) is seen as well.
        s_receives.Clear();
        s_replyDelay = TimeSpan.Zero;
        Equal(OpalStatus.Success, host.Receive(RmlPeer.Daemon, RmlTag.Snapc, TimeSpan.FromSeconds(20), out payload), "immediate receive");
        Expect(s_receives.Single().Peer == (nint)(&processInfo->my_daemon), "peer is ORTE_PROC_MY_DAEMON");
        Equal(Convert.ToHexString(reply), Convert.ToHexString(payload), "immediate payload");
    }

    private static void ReceiveTimeout()
    {
        var host = BindWithFakes();
        var processInfo = (OrteProcInfo*)Sym("orte_process_info");
        Rml->recv_buffer_nb = &FakeRecvBufferNb;
        Rml->recv_cancel = &FakeRecvCancel;
        s_replyBytes = null;

        var watch = Stopwatch.StartNew();
        Equal(OpalStatus.Timeout, host.Receive(RmlPeer.Hnp, RmlTag.SnapcFull, TimeSpan.FromMilliseconds(300), out var payload), "receive without a reply");
        watch.Stop();
        Expect(watch.Elapsed >= TimeSpan.FromMilliseconds(300) && watch.Elapsed < TimeSpan.FromSeconds(10), $"waited {watch.Elapsed}");
        Equal(0, payload.Length, "payload of a timed-out receive");
        var cancel = s_cancels.Single();
        Expect(cancel.Peer == (nint)(&processInfo->my_hnp) && cancel.Tag == RmlTag.SnapcFull, "recv_cancel(ORTE_PROC_MY_HNP, 25)");
    }

    // ---- sstore, fence, NULL slots --------------------------------------------------------------------

    private static void SstoreAndFence()
    {
        var host = BindWithFakes();
        Equal(OpalStatus.Success, host.Fence(), "fence");
        Equal(1, s_fenceCalls, "fence calls");
        Expect(s_fenceArguments == (0, 0), "fence(NULL, 0)");

        *(uint*)Sym("orte_sstore_handle_current") = 42;
        Equal(42u, host.SstoreHandleCurrent, "orte_sstore_handle_current");

        Equal(OpalStatus.Success, host.SstoreRegisterHandle(7), "register_handle");
        Equal(OpalStatus.Success, host.SstoreGetAttr(7, SstoreKey.GlobalSnapSeq, out var sequence), "get_attr(GLOBAL_SNAP_SEQ)");
        Equal("3", sequence, "the value get_attr returned");
        Equal(OpalStatus.NotSupported, host.SstoreGetAttr(7, SstoreKey.GlobalTuneParam, out var none), "get_attr of an unknown key");
        Equal<string?>(null, none, "value of an unknown key");
        Equal(OpalStatus.Success, host.SstoreSetAttr(7, SstoreKey.LocalCrsComp, "self"), "set_attr");
        Equal(OpalStatus.Success, host.SstoreSync(7), "sync");
        Equal("register 7|get 7 16|get 7 23|set 7 0 self|sync 7", string.Join("|", s_sstoreCalls), "sstore calls");
    }

    private static void SlotsEmptiedAfterBind()
    {
        var host = BindWithFakes();
        // A table replaced by a framework after binding: the adapter reports instead of calling address 0.
        Pmix->fence = null;
        Sstore->register_handle = null;
        Sstore->get_attr = null;
        Sstore->set_attr = null;
        Sstore->sync = null;
        var send = Rml->send_buffer_nb;
        var receive = Rml->recv_buffer_nb;
        Rml->send_buffer_nb = null;
        Rml->recv_buffer_nb = null;
        Equal(OpalStatus.NotSupported, host.Fence(), "fence");
        Equal(OpalStatus.NotSupported, host.SstoreRegisterHandle(1), "register_handle");
        Equal(OpalStatus.NotSupported, host.SstoreGetAttr(1, SstoreKey.GlobalSnapRef, out var value), "get_attr");
        Equal<string?>(null, value, "get_attr value");
        Equal(OpalStatus.NotSupported, host.SstoreSetAttr(1, SstoreKey.LocalCrsComp, "self"), "set_attr");
        Equal(OpalStatus.NotSupported, host.SstoreSync(1), "sync");
        Equal(OpalStatus.NotSupported, host.Send(RmlPeer.Hnp, RmlTag.SnapcFull, [1]), "send");
        Equal(OpalStatus.NotSupported, host.Receive(RmlPeer.Hnp, RmlTag.SnapcFull, TimeSpan.FromSeconds(1), out _), "receive");
        Rml->send_buffer_nb = send;
        Rml->recv_buffer_nb = receive;
    }

    // ---- opal_cr globals and functions ------------------------------------------------------------

    private static void CrState()
    {
        var host = BindWithFakes();
        Equal(10, host.EntryPointSignal, "opal_cr_entry_point_signal (SIGUSR1 after opal_cr_init)");

        var pipeDirectory = (byte**)Sym("opal_cr_pipe_dir");
        Equal(HostString.Read(*pipeDirectory), host.PipeDirectory, "opal_cr_pipe_dir");
        var saved = *pipeDirectory;
        *pipeDirectory = null;
        Equal(Environment.GetEnvironmentVariable("TMPDIR") ?? Environment.GetEnvironmentVariable("TEMP")
              ?? Environment.GetEnvironmentVariable("TMP") ?? "/tmp", host.PipeDirectory, "opal_tmp_directory() while opal_cr_pipe_dir is NULL");
        *pipeDirectory = saved;

        var request = (int*)Sym("opal_cr_checkpoint_request");
        Equal((nint)request, host.CheckpointRequestCell, "CheckpointRequestCell");
        Equal(OpalCrCkptCmdState.StatusNone, host.CheckpointRequest, "opal_cr_checkpoint_request (OPAL_CR_STATUS_NONE)");
        host.CheckpointRequest = OpalCrCkptCmdState.StatusRequested;
        Equal(5, *request, "opal_cr_checkpoint_request written");
        host.CheckpointRequest = OpalCrCkptCmdState.StatusNone;
        var state = (int*)Sym("opal_cr_checkpointing_state");
        Equal(OpalCrCkptCmdState.StatusNone, host.CheckpointingState, "opal_cr_checkpointing_state");
        host.CheckpointingState = OpalCrCkptCmdState.StatusRunning;
        Equal(6, *state, "opal_cr_checkpointing_state written");
        host.CheckpointingState = OpalCrCkptCmdState.StatusNone;

        CheckBool("opal_cr_currently_stalled", false, () => host.CurrentlyStalled, v => host.CurrentlyStalled = v);
        CheckBool("opal_cr_stall_check", false, () => host.StallCheck, v => host.StallCheck = v);
        CheckBool("opal_cr_continue_like_restart", false, () => host.ContinueLikeRestart, v => host.ContinueLikeRestart = v);
        CheckBool("orte_cr_flush_restart_files", true, () => host.FlushRestartFiles, v => host.FlushRestartFiles = v);

        Equal("", host.SelectedCrsComponentName, "no CRS selected");
        var selected = (OpalCrsBaseComponent*)Sym("opal_crs_base_selected_component");
        "self\0"u8.CopyTo(new Span<byte>(selected->base_version.mca_component_name, McaBase.MaxComponentNameLength + 1));
        Equal("self", host.SelectedCrsComponentName, "selected CRS component name");
        selected->base_version.mca_component_name[0] = 0;

        var processInfo = (OrteProcInfo*)Sym("orte_process_info");
        processInfo->my_name = new OrteProcessName(0x1a2b0001, 3);
        Equal(new OrteProcessName(0x1a2b0001, 3), host.MyName, "ORTE_PROC_MY_NAME");
        var oldDirectory = processInfo->job_session_dir;
        processInfo->job_session_dir = null;
        Equal<string?>(null, host.JobSessionDirectory, "job_session_dir NULL");
        processInfo->job_session_dir = HostString.Duplicate("/tmp/ompi.node.0/jf.6699/1");
        Equal("/tmp/ompi.node.0/jf.6699/1", host.JobSessionDirectory, "job_session_dir");
        HostString.Free(processInfo->job_session_dir);
        processInfo->job_session_dir = oldDirectory;

        Equal(Environment.ProcessId, host.GetPid(), "getpid");
        Equal(DssBufferType.NonDescribed, host.BufferType, "buffer type (release default)");
    }

    private static void BufferTypeDescribed()
    {
        // Run with OMPI_MCA_dss_buffer_type=1: the host's buffers are fully described, and so are ours.
        var host = BindWithFakes();
        Equal(DssBufferType.FullyDescribed, host.BufferType, "buffer type");
        var original = Rml->send_buffer_nb;
        Rml->send_buffer_nb = &FakeSendBufferNb;
        s_sendFails = false;
        Equal(OpalStatus.Success, host.Send(RmlPeer.Hnp, RmlTag.SnapcFull, [9, 0, 0, 0, 1]), "send");
        Equal(DssBufferType.FullyDescribed, s_sends.Single().Type, "type of the sent buffer");
        Rml->send_buffer_nb = original;
    }

    private static void Notify()
    {
        var host = BindWithFakes();
        var states = new List<int>();
        Equal(0, PeekNotifyCallback(), "precondition: stock 4.1.4 registers no notify callback");
        Equal(OpalStatus.Success, host.RegisterNotifyCallback(state => { states.Add((int)state); return OpalStatus.Success; }), "register");
        var entryPoint = PeekNotifyCallback();
        Expect(entryPoint != 0, "nothing registered");
        Equal(CoordinatorExports.NotifyCallbackAddress, entryPoint, "the export registered as the notify callback");

        // The real opal_cr_test_if_checkpoint_ready answers a request with no CRS selected with CMD_NULL...
        host.CheckpointRequest = OpalCrCkptCmdState.StatusRequested;
        host.TestIfCheckpointReady();
        Equal("2", string.Join(",", states), "notify states (OPAL_CHECKPOINT_CMD_NULL)");
        Equal(OpalCrCkptCmdState.StatusNone, host.CheckpointRequest, "request reset by the host");
        // ...one during a running checkpoint with IN_PROGRESS, and a stalled one with START.
        host.CheckpointingState = OpalCrCkptCmdState.StatusRunning;
        host.CheckpointRequest = OpalCrCkptCmdState.StatusRequested;
        host.TestIfCheckpointReady();
        host.CheckpointingState = OpalCrCkptCmdState.StatusNone;
        host.CurrentlyStalled = true;
        host.TestIfCheckpointReady();
        host.CurrentlyStalled = false;
        Equal("2,1,0", string.Join(",", states), "notify states");

        // An exception must not escape into C: the entry point logs it and answers OPAL_ERROR.
        host.RegisterNotifyCallback(_ => throw new InvalidOperationException("hosted notify failure"));
        Equal(OpalStatus.Error, ((delegate* unmanaged[Cdecl]<int, int>)entryPoint)(0), "entry point result of a throwing callback");

        // With no previous callback, unregistering leaves ours in place (answers after finalize).
        host.UnregisterNotifyCallback();
        Equal(entryPoint, PeekNotifyCallback(), "callback after unregistering with no previous one");

        // A previous callback is kept across a second registration and put back.
        var regNotify = (delegate* unmanaged[Cdecl]<nint, nint*, int>)Sym("opal_cr_reg_notify_callback");
        nint ignored;
        regNotify((nint)(delegate* unmanaged[Cdecl]<int, int>)&HostNotifyCallback, &ignored);
        host.RegisterNotifyCallback(_ => OpalStatus.Success);
        host.RegisterNotifyCallback(_ => OpalStatus.Success);
        Equal(entryPoint, PeekNotifyCallback(), "ours registered");
        host.UnregisterNotifyCallback();
        Equal((nint)(delegate* unmanaged[Cdecl]<int, int>)&HostNotifyCallback, PeekNotifyCallback(), "the host's previous callback restored");
    }

    private static void IncCore()
    {
        var host = BindWithFakes();
        var crs = (OpalCrsBaseModule*)Sym("opal_crs");
        var snapshot = host.CreateSnapshot(7);
        snapshot.ComponentName = "self";
        var options = new CheckpointOptions { Term = true, Stop = true, IncPrepOnly = false, IncRecoverOnly = true };
        var state = OpalCrsState.Running;

        // opal_crs.crs_checkpoint is NULL in stock 4.1.4, and opal_cr_inc_core_ckpt would jump through it.
        Equal(OpalStatus.NotSupported, host.IncCoreCkpt(Environment.ProcessId, snapshot, options, ref state), "no CRS selected");
        Equal(0, s_crsCalls.Count, "CRS calls");

        crs->crs_checkpoint = &FakeCrsCheckpoint;
        s_crsResultState = OpalCrsState.Continue;
        Equal(OpalStatus.Success, host.IncCoreCkpt(Environment.ProcessId, snapshot, options, ref state), "checkpoint, continue");
        var call = s_crsCalls.Single();
        Equal(Environment.ProcessId, call.Pid, "pid");
        Expect(call.Snapshot == (nint)((OwnedCrsSnapshot)snapshot).Pointer, "the host snapshot was passed");
        Equal("self", call.ComponentName, "snapshot seen by the CRS");
        Equal("1101", call.Options, "options copied in (term stop prep recover)");
        // CONTINUE with term: the host turns the state into TERM and keeps term; the fake cleared stop.
        Equal(OpalCrsState.Term, state, "state");
        Equal(OpalCrCkptCmdState.StatusTerm, host.CheckpointingState, "opal_cr_checkpointing_state");
        Expect(options.Term && !options.Stop && !options.IncPrepOnly && options.IncRecoverOnly, "options copied back");

        s_crsCalls.Clear();
        s_crsResultState = OpalCrsState.Restart;
        options = new CheckpointOptions { Term = true, Stop = true };
        Equal(OpalStatus.Success, host.IncCoreCkpt(Environment.ProcessId, snapshot, options, ref state), "checkpoint, restart");
        Equal(OpalCrsState.Restart, state, "state");
        Expect(!options.Term, "the host clears term on anything but CONTINUE");
        Equal(OpalCrCkptCmdState.StatusRestartPre, host.CheckpointingState, "opal_cr_checkpointing_state");

        Equal(OpalStatus.BadParam, host.IncCoreCkpt(1, new ForeignSnapshot(), options, ref state), "a snapshot not made by the host");
        snapshot.Dispose();
        Equal(OpalStatus.BadParam, host.IncCoreCkpt(1, snapshot, options, ref state), "a disposed snapshot");

        // prep and recover run the real opal_cr_coord (registered by opal_cr_init).
        host.CheckpointingState = OpalCrCkptCmdState.StatusRunning;
        Equal(OpalStatus.Success, host.IncCorePrep(), "opal_cr_inc_core_prep");
        Equal(OpalStatus.Success, host.IncCoreRecover(OpalCrsState.Continue), "opal_cr_inc_core_recover");
        Equal(OpalCrCkptCmdState.StatusRestartPost, host.CheckpointingState, "state set by opal_cr_coord");
        crs->crs_checkpoint = null;
    }

    private static void Timers()
    {
        var host = BindWithFakes();
        var enabled = (byte*)Sym("opal_cr_timing_enabled");
        var myRank = (int*)Sym("opal_cr_timing_my_rank");

        *enabled = 0;
        host.ClearTimers(5);
        Equal(5, *myRank, "opal_cr_timing_my_rank is set even with timing off");
        host.ClearTimers(0);
        host.SetTimer(OpalCr.TimerEntry0);
        host.DisplayAllTimers(); // timing off: prints nothing

        *enabled = 1;
        host.ClearTimers(0);
        host.SetTimer(OpalCr.TimerEntry0);
        host.SetTimer(OpalCr.TimerEntry1);
        host.DisplayAllTimers(); // prints "OPAL CR Timing: ... Summary Begin" through opal_output(0)
    }

    private static void LogThroughOpalOutput()
    {
        BindWithFakes();
        Log.Error("native-snapc hosted log line: 100% %s %d %n");
    }

    private static void Settings()
    {
        // The parent sets OMPI_MCA_snapc_full_{verbose=5, skip_app=true, handshake_timeout=9,
        // release_timeout=abc, reply_timeout=5}.
        var register = (delegate* unmanaged[Cdecl]<byte*, byte*, byte*, byte*, byte*, int, void*, int, int, int, int, void*, int>)Sym("mca_base_var_register");
        var setValue = (delegate* unmanaged[Cdecl]<int, void*, nuint, int, byte*, int>)Sym("mca_base_var_set_value");
        var verbose = (int*)NativeMemory.AllocZeroed(sizeof(int));
        var skipApp = (byte*)NativeMemory.AllocZeroed(1);
        var reply = (int*)NativeMemory.AllocZeroed(sizeof(int));
        var term = (byte**)NativeMemory.AllocZeroed((nuint)sizeof(byte*));
        *reply = 1800;
        *term = HostString.Duplicate("12");
        RegisterVariable(register, "verbose", McaVariables.VariableType.Int, verbose);
        RegisterVariable(register, "skip_app", McaVariables.VariableType.Bool, skipApp);
        var replyIndex = RegisterVariable(register, "reply_timeout", McaVariables.VariableType.Int, reply);
        RegisterVariable(register, "term_timeout", McaVariables.VariableType.String, term);
        Equal(5, *reply, "precondition: the MCA system read OMPI_MCA_snapc_full_reply_timeout");
        var newReply = 33;
        Equal(0, setValue(replyIndex, &newReply, sizeof(int), 4 /* MCA_BASE_VAR_SOURCE_SET */, null), "mca_base_var_set_value");

        var host = BindWithFakes();
        Equal("33", host.LookupSetting(CoordinatorSettingsReader.ReplyTimeout), "MCA value wins over the environment");
        var settings = host.ReadSettings();
        Equal(5, settings.Verbose, "verbose (registered int)");
        Equal(5, Log.Verbosity, "Log.Verbosity");
        Expect(settings.SkipApp, "skip_app (registered bool)");
        Equal(TimeSpan.FromSeconds(9), settings.HandshakeTimeout, "handshake_timeout (environment, not registered)");
        Equal(TimeSpan.FromSeconds(1800), settings.ReleaseTimeout, "release_timeout (garbage: default)");
        Equal(TimeSpan.FromSeconds(33), settings.ReplyTimeout, "reply_timeout (registered int, set)");
        Equal(TimeSpan.FromSeconds(12), settings.TermTimeout, "term_timeout (registered string)");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static OpalPmixBaseModule* Pmix => (OpalPmixBaseModule*)Sym("opal_pmix");
    private static OrteSstoreBaseModule* Sstore => (OrteSstoreBaseModule*)Sym("orte_sstore");
    private static OrteRmlBaseApi* Rml => (OrteRmlBaseApi*)Sym("orte_rml");
    private static OpalDss* Dss => (OpalDss*)Sym("opal_dss");

    /// <summary>A symbol of the loaded Open MPI, from the global scope or (RTLD_LOCAL mode) its own handle.</summary>
    private static nint Sym(string name)
    {
        if (NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), name, out var address))
        {
            return address;
        }
        // Only reached when Open MPI is loaded (the scenarios that use Sym run with it): this finds that copy.
        if (NativeLibrary.TryLoad("libopen-rte.so.40", out var handle) && NativeLibrary.TryGetExport(handle, name, out address))
        {
            return address;
        }
        throw new InvalidOperationException($"test setup: {name} not found");
    }

    private static OpalObjects NewObjects() => new(Sym("opal_class_initialize"), Sym("opal_class_init_epoch"));

    private static void InstallSstoreAndFenceFakes()
    {
        Pmix->fence = &FakeFence;
        Sstore->register_handle = &FakeRegisterHandle;
        Sstore->get_attr = &FakeGetAttr;
        Sstore->set_attr = &FakeSetAttr;
        Sstore->sync = &FakeSync;
    }

    private static OpenMpiHost BindWithFakes()
    {
        InstallSstoreAndFenceFakes();
        Expect(OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out var host, out var error), "binding failed: " + error);
        return host!;
    }

    private static nint PeekNotifyCallback()
    {
        var regNotify = (delegate* unmanaged[Cdecl]<nint, nint*, int>)Sym("opal_cr_reg_notify_callback");
        nint current = 0;
        nint ignored = 0;
        regNotify(0, &current);
        regNotify(current, &ignored);
        return current;
    }

    private static int RegisterVariable(delegate* unmanaged[Cdecl]<byte*, byte*, byte*, byte*, byte*, int, void*, int, int, int, int, void*, int> register,
        string name, McaVariables.VariableType type, void* storage)
    {
        fixed (byte* project = "orte\0"u8, framework = "snapc\0"u8, component = "full\0"u8, description = "test variable\0"u8)
        fixed (byte* variable = HostString.ToNullTerminatedUtf8(name))
        {
            // enumerator NULL, bind 0, MCA_BASE_VAR_FLAG_SETTABLE (4), OPAL_INFO_LVL_9 (8), MCA_BASE_VAR_SCOPE_LOCAL (2)
            var index = register(project, framework, component, variable, description, (int)type, null, 0, 4, 8, 2, storage);
            Expect(index >= 0, $"mca_base_var_register({name}) returned {index}");
            return index;
        }
    }

    private static void CheckBool(string symbol, bool initial, Func<bool> read, Action<bool> write)
    {
        var cell = (byte*)Sym(symbol);
        Equal(initial, read(), symbol);
        write(!initial);
        Equal(initial ? (byte)0 : (byte)1, *cell, symbol + " written");
        *cell = 2;
        Expect(read(), symbol + ": a non-zero byte reads as true");
        *cell = initial ? (byte)1 : (byte)0;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new ScenarioFailure(what);
        }
    }

    private static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new ScenarioFailure($"{what}: expected <{expected}>, got <{actual}>");
        }
    }

    private static void Contains(string text, string part)
    {
        if (!text.Contains(part, StringComparison.Ordinal))
        {
            throw new ScenarioFailure($"expected \"{part}\" in \"{text}\"");
        }
    }

    private static void Throws<TException>(Action action, string what) where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException)
        {
            return;
        }
        throw new ScenarioFailure($"{what}: no {typeof(TException).Name}");
    }

    private sealed class ScenarioFailure(string message) : Exception(message);

    private sealed class ForeignSnapshot : IOwnedCrsSnapshot
    {
        public string? ComponentName { get; set; }
        public string? SnapshotDirectory { get; set; }
        public string? MetadataFilename { get; set; }
        public void Dispose() { }
    }

    // ---- fakes for the slots stock Open MPI leaves empty (all record, none throws into C) ----------

    private static int s_fenceCalls;
    private static (nint Procs, int Collect) s_fenceArguments;
    private static readonly List<string> s_sstoreCalls = [];
    private static readonly List<(nint Object, nint Class, int Count)> s_constructed = [];
    private static readonly List<nint> s_destructed = [];

    private sealed record SentBuffer(ushort Conduit, nint Peer, uint Tag, nint Callback, nint CallbackData, nint Buffer,
        nint BufferClass, int ReferenceCount, DssBufferType Type, bool UnpackAtBase, byte[] Bytes);

    private static readonly List<SentBuffer> s_sends = [];
    private static bool s_sendFails;

    private sealed record PostedReceive(nint Peer, uint Tag, byte Persistent, nint Callback, nint Rb, byte ActiveAtPost);

    private static readonly List<PostedReceive> s_receives = [];
    private static readonly List<(nint Peer, uint Tag)> s_cancels = [];
    private static byte[]? s_replyBytes;
    private static TimeSpan s_replyDelay;

    private sealed record CrsCall(int Pid, nint Snapshot, string? ComponentName, string Options);

    private static readonly List<CrsCall> s_crsCalls = [];
    private static OpalCrsState s_crsResultState;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeFence(void* procs, int collectData)
    {
        s_fenceCalls++;
        s_fenceArguments = ((nint)procs, collectData);
        return OpalStatus.Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeRegisterHandle(uint handle)
    {
        s_sstoreCalls.Add($"register {handle}");
        return OpalStatus.Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeGetAttr(uint handle, uint key, byte** value)
    {
        s_sstoreCalls.Add($"get {handle} {key}");
        if (key != SstoreKey.GlobalSnapSeq)
        {
            return OpalStatus.NotSupported; // as sstore/central: output untouched
        }
        *value = HostString.Duplicate("3");
        return OpalStatus.Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeSetAttr(uint handle, uint key, byte* value)
    {
        s_sstoreCalls.Add($"set {handle} {key} {HostString.Read(value)}");
        return OpalStatus.Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeSync(uint handle)
    {
        s_sstoreCalls.Add($"sync {handle}");
        return OpalStatus.Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RecordConstruct(OpalObject* obj) => s_constructed.Add(((nint)obj, (nint)obj->obj_class, obj->obj_reference_count));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RecordDestruct(OpalObject* obj) => s_destructed.Add((nint)obj);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int HostNotifyCallback(int state) => OpalStatus.Success;

    /// <summary>send_buffer_nb: records; then delivers like the RML (the real send callback releases) or fails keeping a reference.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeSendBufferNb(ushort conduit, OrteProcessName* peer, OpalBuffer* buffer, uint tag,
        delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void> callback, void* callbackData)
    {
        var bytes = buffer->base_ptr == null ? [] : new ReadOnlySpan<byte>(buffer->base_ptr, (int)buffer->bytes_used).ToArray();
        s_sends.Add(new SentBuffer(conduit, (nint)peer, tag, (nint)callback, (nint)callbackData, (nint)buffer,
            (nint)buffer->parent.obj_class, buffer->parent.obj_reference_count, buffer->type, buffer->unpack_ptr == buffer->base_ptr, bytes));
        if (s_sendFails)
        {
            OpalObjects.Retain(&buffer->parent);
            return -12; // ORTE_ERR_UNREACH, buffer not taken
        }
        callback(OpalStatus.Success, peer, buffer, tag, callbackData);
        return OpalStatus.Success;
    }

    /// <summary>recv_buffer_nb: records, and (when a reply is set) delivers it after a delay from another thread, as the ORTE event thread would.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FakeRecvBufferNb(OrteProcessName* peer, uint tag, byte persistent,
        delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void> callback, void* callbackData)
    {
        s_receives.Add(new PostedReceive((nint)peer, tag, persistent, (nint)callback, (nint)callbackData, ((OrteRmlRecvCb*)callbackData)->active));
        var reply = s_replyBytes;
        if (reply is null)
        {
            return;
        }
        var delivery = (Callback: (nint)callback, Rb: (nint)callbackData, Tag: tag, Reply: reply);
        if (s_replyDelay == TimeSpan.Zero)
        {
            Deliver(delivery.Callback, delivery.Rb, delivery.Tag, delivery.Reply);
            return;
        }
        var delay = s_replyDelay;
        new Thread(() =>
        {
            Thread.Sleep(delay);
            Deliver(delivery.Callback, delivery.Rb, delivery.Tag, delivery.Reply);
        }).Start();
    }

    // What the RML does with an arrived message: wrap it in a temporary opal_buffer_t and call the callback.
    private static void Deliver(nint callback, nint rb, uint tag, byte[] reply)
    {
        var objects = NewObjects();
        var message = (OpalBuffer*)objects.New((OpalClass*)Sym("opal_buffer_t_class"));
        var bytes = NativeMemory.Alloc((nuint)reply.Length);
        reply.CopyTo(new Span<byte>(bytes, reply.Length));
        Dss->load(message, bytes, reply.Length);
        var sender = new OrteProcessName(0x1a2b0000, 0);
        ((delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>)callback)(OpalStatus.Success, &sender, message, tag, (void*)rb);
        OpalObjects.Release(&message->parent);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FakeRecvCancel(OrteProcessName* peer, uint tag) => s_cancels.Add(((nint)peer, tag));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FakeCrsCheckpoint(int pid, OpalCrsBaseSnapshot* snapshot, OpalCrsBaseCkptOptions* options, OpalCrsState* state)
    {
        var flags = $"{options->term}{options->stop}{options->inc_prep_only}{options->inc_recover_only}";
        s_crsCalls.Add(new CrsCall(pid, (nint)snapshot, HostString.Read(snapshot->component_name), flags));
        options->stop = 0;
        *state = s_crsResultState;
        return OpalStatus.Success;
    }
}
