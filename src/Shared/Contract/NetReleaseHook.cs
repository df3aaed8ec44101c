namespace PsContainers.Contract;

/// <summary>
/// The command line of pscmon's net-release, the OCI poststop hook that releases a stopped container's network
/// (runtime-spec config.md "POSIX-platform Hooks": path, args with args[0] the program name, timeout in seconds).
/// The engine builds it for the bundle (Core's NetworkParticipant, <see cref="HookArguments"/>); pscmon parses it
/// (<see cref="TryParse"/>) and builds it again for its detached child (<see cref="Arguments"/> with
/// <see cref="Locked"/>):
/// <code>
/// pscmon net-release STORE_ROOT CONTAINER_ID SETUP_ID [--foreground] [--locked]
/// </code>
/// STORE_ROOT is the store root (<see cref="NetworkLayout"/> names the files under it); CONTAINER_ID must be a plain
/// file name (<see cref="IsSafeId"/>); SETUP_ID is the network.json SetupId of the setup the hook belongs to (may be
/// empty: then any setup is released). --foreground releases in the hook's own process; --locked is the detached
/// child, which inherits the network lock as fd 3. Flags may stand anywhere; the positional words keep their order.
/// </summary>
/// <param name="StoreRoot">The store root (absolute).</param>
/// <param name="ContainerId">The container's id.</param>
/// <param name="SetupId">The setup to release; "" for any.</param>
public sealed record NetReleaseHook(string StoreRoot, string ContainerId, string SetupId)
{
    /// <summary>pscmon's subcommand word (args[1] of the hook, args[0] of pscmon's own arguments).</summary>
    public const string Subcommand = "net-release";
    /// <summary>The hook's args[0], the program name the runtime passes (runtime-spec: "same semantics as IEEE Std 1003.1-2008 execv's argv").</summary>
    public const string ProgramName = "pscmon";
    /// <summary>--foreground: release in this process (tests, the engine's own replay), not in a detached child.</summary>
    public const string ForegroundFlag = "--foreground";
    /// <summary>--locked: this process is the detached child and holds the network lock as fd 3.</summary>
    public const string LockedFlag = "--locked";
    /// <summary>The hook's timeout in seconds (runtime-spec hooks "timeout"); the plugins run after it in the detached child.</summary>
    public const int TimeoutSeconds = 30;

    /// <summary>Release in the hook's process (<see cref="ForegroundFlag"/>).</summary>
    public bool Foreground { get; init; }
    /// <summary>The detached child that holds the lock (<see cref="LockedFlag"/>).</summary>
    public bool Locked { get; init; }

    /// <summary>The hook's args as the bundle's config.json records them: pscmon net-release ROOT ID SETUP [flags].</summary>
    public List<string> HookArguments() => Arguments(ProgramName);

    /// <summary>The full argument vector with <paramref name="argv0"/> first (the program's path for a spawn).</summary>
    public List<string> Arguments(string argv0)
    {
        var a = new List<string> { argv0, Subcommand, StoreRoot, ContainerId, SetupId };
        if (Foreground) a.Add(ForegroundFlag);
        if (Locked) a.Add(LockedFlag);
        return a;
    }

    /// <summary>
    /// Parse the words after <see cref="Subcommand"/>. False (and null) when the store root or the id is missing or
    /// empty, or the id is not <see cref="IsSafeId"/>: pscmon then does nothing (a hook must not fail the runtime's
    /// delete). Words starting with "--" are flags (unknown ones are ignored); a missing SETUP_ID reads as "".
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> words, out NetReleaseHook? hook)
    {
        hook = null;
        var positional = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (positional.Count < 2 || positional[0].Length == 0 || !IsSafeId(positional[1])) return false;
        hook = new NetReleaseHook(positional[0], positional[1], positional.Count > 2 ? positional[2] : "")
        {
            Foreground = words.Contains(ForegroundFlag),
            Locked = words.Contains(LockedFlag),
        };
        return true;
    }

    /// <summary>
    /// A container id that is one file name (it is joined into store paths): 1-128 of ASCII letters, digits, '_', '.',
    /// '-', and not "." or "..".
    /// </summary>
    public static bool IsSafeId(string id) =>
        id.Length is > 0 and <= 128 && id != "." && id != ".." && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
