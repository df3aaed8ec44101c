namespace PsContainers.Runtime;

/// <summary>
/// The message types on pscrun's sync socket between the runtime (parent) and the container's init, one byte each
/// (<see cref="Sync"/> frames them: type, 4-byte little-endian length, payload). nsinit.c sends the first three
/// from its constructor before .NET starts, with the same letters. Order of a create:
/// UserNamespaceReady → Mapped, ProcessId → Config, Hooks → HooksDone (or Error), Ready.
/// </summary>
internal enum SyncMessage : byte
{
    /// <summary>'U', child → parent: its user namespace exists; write the uid/gid maps and oom_score_adj now.</summary>
    UserNamespaceReady = (byte)'U',
    /// <summary>'M', parent → child: the maps are written.</summary>
    Mapped = (byte)'M',
    /// <summary>'P', relay → parent: the container process's pid (decimal text).</summary>
    ProcessId = (byte)'P',
    /// <summary>'J', parent → init: the runtime spec (config.json text) the init applies.</summary>
    Config = (byte)'J',
    /// <summary>'H', init → parent: the create environment is ready; run the prestart and createRuntime hooks.</summary>
    Hooks = (byte)'H',
    /// <summary>'h', parent → init: the hooks succeeded; go on.</summary>
    HooksDone = (byte)'h',
    /// <summary>'R', init → parent: set up; waiting for `start` on the exec fifo.</summary>
    Ready = (byte)'R',
    /// <summary>'E', either way: an error (the payload is its text; from the parent, empty: a hook failed).</summary>
    Error = (byte)'E',
}
