using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The MCA parameters of the snapc "full" component, registered with the host by the component's register
/// function: snapc_full_priority and snapc_full_verbose (storage in the component struct, as in the original),
/// snapc_full_skip_app (storage <c>orte_snapc_full_skip_app</c>) and the coordinator's bounds
/// snapc_full_handshake_timeout, _release_timeout, _reply_timeout and _term_timeout (seconds, in a native block
/// allocated once and never freed). The coordinator reads them back through the variable system
/// (<see cref="CoordinatorSettingsReader"/>), or from <c>OMPI_MCA_snapc_full_*</c> when they are not registered.
/// </summary>
internal sealed unsafe class SnapcFullVariables
{
    public const int DefaultPriority = 20;

    private static readonly (string Name, string Description, Func<CoordinatorSettings, TimeSpan> Default)[] s_timeouts =
    [
        (CoordinatorSettingsReader.HandshakeTimeout, "Seconds the application coordinator waits for each step of the FIFO handshake with the local coordinator", s => s.HandshakeTimeout),
        (CoordinatorSettingsReader.ReleaseTimeout, "Seconds the application coordinator waits for the release after its final state, and for the local waits of a request", s => s.ReleaseTimeout),
        (CoordinatorSettingsReader.ReplyTimeout, "Seconds the application coordinator waits for a reply of the HNP (FIN_ACK, checkpoint and migration completion)", s => s.ReplyTimeout),
        (CoordinatorSettingsReader.TermTimeout, "Seconds a process asked to terminate waits to be killed before it returns an error", s => s.TermTimeout),
    ];

    private readonly OrteSnapcBaseComponent* _component;
    private readonly byte* _skipApp;
    private readonly int* _timeouts;

    /// <param name="component">mca_snapc_full_component.</param>
    /// <param name="skipApp">orte_snapc_full_skip_app.</param>
    public SnapcFullVariables(OrteSnapcBaseComponent* component, byte* skipApp)
    {
        _component = component;
        _skipApp = skipApp;
        _timeouts = (int*)NativeMemory.AllocZeroed((nuint)s_timeouts.Length, sizeof(int));
    }

    /// <summary><c>snapc_full_priority</c>, as the component struct holds it now.</summary>
    public int Priority => _component->priority;

    /// <summary><c>snapc_full_verbose</c>, as the component struct holds it now.</summary>
    public int Verbose => _component->verbose;

    /// <summary>
    /// The component's register function: defaults into the storage, then registration (which applies the
    /// command line, environment and files). Without a host variable system: success, nothing registered.
    /// </summary>
    public int Register(McaComponentRegistrar? registrar)
    {
        var defaults = new CoordinatorSettings();
        _component->priority = DefaultPriority;
        _component->verbose = 0;
        *_skipApp = 0;
        for (var index = 0; index < s_timeouts.Length; index++)
        {
            _timeouts[index] = (int)s_timeouts[index].Default(defaults).TotalSeconds;
        }
        if (registrar is null)
        {
            return OpalStatus.Success;
        }
        var variables = new List<McaComponentVariable>
        {
            new("priority", "Priority of the SNAPC full component", McaBaseVar.TypeInt, 0, McaBaseVar.ScopeReadonly, (nint)(&_component->priority)),
            new(CoordinatorSettingsReader.Verbose, "Verbose level for the SNAPC full component", McaBaseVar.TypeInt, 0, McaBaseVar.ScopeLocal, (nint)(&_component->verbose)),
            new(CoordinatorSettingsReader.SkipApp, "Not for general use! For debugging only! Shortcut app level coord. [Default = disabled]",
                McaBaseVar.TypeBool, 0, McaBaseVar.ScopeLocal, (nint)_skipApp),
        };
        for (var index = 0; index < s_timeouts.Length; index++)
        {
            var (name, description, fallback) = s_timeouts[index];
            variables.Add(new(name, $"{description} (default: {(int)fallback(defaults).TotalSeconds})", McaBaseVar.TypeInt, 0, McaBaseVar.ScopeLocal, (nint)(&_timeouts[index])));
        }
        return registrar.RegisterAll(_component, variables, "snapc:full", CoordinatorSettingsReader.FullName(""));
    }
}
