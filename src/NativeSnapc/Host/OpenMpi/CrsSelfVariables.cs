using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Crs;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The MCA parameters of the CRS "self" component: crs_self_priority and crs_self_verbose live in the component
/// struct itself (as in the original), crs_self_prefix and crs_self_do_restart in a native block allocated once
/// and never freed (the host's variable system keeps pointers to it for the life of the process). Registered
/// with the host by the component's register function when the host has a variable system; until then, or
/// without one, the values come from the <c>OMPI_MCA_crs_self_*</c> environment variables.
/// </summary>
internal sealed unsafe class CrsSelfVariables
{
    private const string EnvironmentPrefix = "OMPI_MCA_crs_self_";

    // The default string the variable system copies at registration; it is never freed.
    private static readonly byte* s_defaultPrefix = HostString.Duplicate(SelfSettings.DefaultPrefix);

    private readonly OpalCrsBaseComponent* _component;
    private readonly byte** _prefix;
    private readonly byte* _doRestart;
    private volatile bool _registered;

    /// <param name="component">The component struct (mca_crs_self_component) whose priority and verbose fields are storage.</param>
    public CrsSelfVariables(OpalCrsBaseComponent* component)
    {
        _component = component;
        var block = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(byte*) + sizeof(long)));
        _prefix = (byte**)block;
        _doRestart = block + sizeof(byte*);
    }

    /// <summary>Whether the host's variable system holds the values (the last <see cref="Register"/> found one).</summary>
    public bool Registered => _registered;

    /// <summary>
    /// The component's register function: the defaults go into the storage first, then each variable is
    /// registered (and so set from the command line, environment or files). Without a host variable system
    /// nothing is registered and the environment is read instead: success.
    /// </summary>
    public int Register(McaComponentRegistrar? registrar)
    {
        _component->priority = SelfSettings.DefaultPriority;
        _component->verbose = 0;
        *_prefix = s_defaultPrefix;
        *_doRestart = 0;
        if (registrar is null)
        {
            _registered = false;
            return OpalStatus.Success;
        }
        McaComponentVariable[] variables =
        [
            new("priority", $"Priority of the CRS self component (default: {SelfSettings.DefaultPriority})", McaBaseVar.TypeInt, McaBaseVar.FlagSettable, McaBaseVar.ScopeAllEq, (nint)(&_component->priority)),
            new("verbose", "Verbose level for the CRS self component", McaBaseVar.TypeInt, McaBaseVar.FlagSettable, McaBaseVar.ScopeLocal, (nint)(&_component->verbose)),
            new("prefix", $"Prefix for user defined callback functions (default: {SelfSettings.DefaultPrefix})", McaBaseVar.TypeString, McaBaseVar.FlagSettable, McaBaseVar.ScopeLocal, (nint)_prefix),
            new("do_restart", "Start execution by calling restart callback", McaBaseVar.TypeBool, McaBaseVar.FlagSettable, McaBaseVar.ScopeLocal, (nint)_doRestart),
        ];
        var rc = registrar.RegisterAll(_component, variables, "crs:self", "crs_self_");
        if (rc != OpalStatus.Success)
        {
            return rc;
        }
        _registered = true;
        return OpalStatus.Success;
    }

    /// <summary>
    /// The values now: from the registered storage, or from the environment. A registered prefix the host has
    /// released (the framework was closed and its variables deregistered) reads as the environment's, else the default.
    /// </summary>
    public SelfSettings Read()
    {
        if (_registered)
        {
            return new SelfSettings
            {
                Prefix = *_prefix is not null ? HostString.Read(*_prefix)! : EnvironmentPrefixOrDefault(),
                DoRestart = *_doRestart != 0,
                Verbose = _component->verbose,
                Priority = _component->priority,
            };
        }
        return new SelfSettings
        {
            Prefix = EnvironmentPrefixOrDefault(),
            DoRestart = Libc.Getenv(EnvironmentPrefix + "do_restart") is { } doRestart && McaValueText.TryParseBool(doRestart, out var flag) && flag,
            Verbose = EnvironmentInt("verbose", 0),
            Priority = EnvironmentInt("priority", SelfSettings.DefaultPriority),
        };
    }

    private static string EnvironmentPrefixOrDefault() => Libc.Getenv(EnvironmentPrefix + "prefix") ?? SelfSettings.DefaultPrefix;

    private static int EnvironmentInt(string name, int fallback) =>
        Libc.Getenv(EnvironmentPrefix + name) is { } text && McaValueText.TryParseInt(text, out var value) ? value : fallback;
}
