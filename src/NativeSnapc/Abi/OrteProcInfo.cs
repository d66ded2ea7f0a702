using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_proc_info_t</c> (orte/util/proc_info.h), the type of the host global <c>orte_process_info</c>;
/// ORTE_PROC_MY_NAME, ORTE_PROC_MY_DAEMON and ORTE_PROC_MY_HNP point into it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_proc_info_t")]
internal unsafe struct OrteProcInfo
{
    [NativeTypeName("opal_proc_t")] public OpalProc super;
    [NativeTypeName("orte_process_name_t")] public OrteProcessName my_name;
    [NativeTypeName("orte_process_name_t")] public OrteProcessName my_daemon;
    [NativeTypeName("char *")] public byte* my_daemon_uri;
    [NativeTypeName("orte_process_name_t")] public OrteProcessName my_hnp;
    [NativeTypeName("char *")] public byte* my_hnp_uri;
    [NativeTypeName("orte_process_name_t")] public OrteProcessName my_parent;
    [NativeTypeName("pid_t")] public int hnp_pid;
    [NativeTypeName("orte_app_idx_t")] public uint app_num;
    [NativeTypeName("orte_vpid_t")] public uint num_procs;
    [NativeTypeName("orte_vpid_t")] public uint max_procs;
    [NativeTypeName("orte_vpid_t")] public uint num_daemons;
    [NativeTypeName("int")] public int num_nodes;
    [NativeTypeName("char *")] public byte* nodename;
    [NativeTypeName("char **")] public byte** aliases;
    [NativeTypeName("pid_t")] public int pid;
    [NativeTypeName("orte_proc_type_t")] public uint proc_type;
    [NativeTypeName("uint16_t")] public ushort my_port;
    [NativeTypeName("int")] public int num_restarts;
    [NativeTypeName("orte_node_rank_t")] public ushort my_node_rank;
    [NativeTypeName("orte_local_rank_t")] public ushort my_local_rank;
    [NativeTypeName("int32_t")] public int num_local_peers;
    [NativeTypeName("char *")] public byte* tmpdir_base;
    [NativeTypeName("char *")] public byte* top_session_dir;
    [NativeTypeName("char *")] public byte* jobfam_session_dir;
    [NativeTypeName("char *")] public byte* job_session_dir;
    [NativeTypeName("char *")] public byte* proc_session_dir;
    [NativeTypeName("bool")] public byte rm_session_dirs;
    [NativeTypeName("char *")] public byte* sock_stdin;
    [NativeTypeName("char *")] public byte* sock_stdout;
    [NativeTypeName("char *")] public byte* sock_stderr;
    [NativeTypeName("char *")] public byte* cpuset;
    [NativeTypeName("int")] public int app_rank;
    [NativeTypeName("orte_vpid_t")] public uint my_hostid;
}
