using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Crs;
using NativeSnapc.Diagnostics;
using NativeSnapc.Interop;

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
        (string Name, string Description, int Type, int Scope, nint Storage)[] variables =
        [
            ("priority", $"Priority of the CRS self component (default: {SelfSettings.DefaultPriority})", McaBaseVar.TypeInt, McaBaseVar.ScopeAllEq, (nint)(&_component->priority)),
            ("verbose", "Verbose level for the CRS self component", McaBaseVar.TypeInt, McaBaseVar.ScopeLocal, (nint)(&_component->verbose)),
            ("prefix", $"Prefix for user defined callback functions (default: {SelfSettings.DefaultPrefix})", McaBaseVar.TypeString, McaBaseVar.ScopeLocal, (nint)_prefix),
            ("do_restart", "Start execution by calling restart callback", McaBaseVar.TypeBool, McaBaseVar.ScopeLocal, (nint)_doRestart),
        ];
        foreach (var (name, description, type, scope, storage) in variables)
        {
            var index = registrar.Register(_component, name, description, type, McaBaseVar.FlagSettable, scope, (void*)storage);
            if (index < 0)
            {
                Log.Error($"crs:self: register: Error: mca_base_component_var_register(crs_self_{name}) returned {index}");
                return index;
            }
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
