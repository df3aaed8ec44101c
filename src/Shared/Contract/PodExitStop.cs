using PsContainers.Core.Containers;

namespace PsContainers.Contract;

/// <summary>
/// podman's pod exit policy "stop" without a daemon: when the last started member of such a pod exits, the pod's infra
/// container is stopped, so the pod shows Exited and its published ports are released at once (podman does it from
/// the exit command of the member's conmon; here the member's monitor does it). The engine writes
/// <see cref="ContainerMarkers.PodExitStop"/> (the infra container's id as text) into a member's directory before each
/// start of the member; the member's monitor, once the member has ended for good (its state says exited, no restart
/// follows), asks <see cref="LastMemberExited"/> and, when it is the last, stops the infra container. Every member
/// writes its own exit before it looks at the others, so of two members ending together at least the later one sees
/// both ended. Used by pscmon; the engine only writes the marker (<see cref="Mark"/>).
/// </summary>
public static class PodExitStop
{
    /// <summary>The infra container id in <paramref name="containerDir"/>'s marker, or null (no marker, or not an id).</summary>
    public static string? InfraOf(string containerDir)
    {
        string text;
        try { text = File.ReadAllText(Path.Combine(containerDir, ContainerMarkers.PodExitStop)).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        return IsId(text) ? text : null;
    }

    /// <summary>
    /// Write (<paramref name="infraId"/> given) or delete (null) the marker of <paramref name="containerDir"/>; the text is
    /// written to a temporary file and renamed over the marker, so a reader sees the old or the new marker whole.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="infraId"/> is not a container id (64 lower-case hex digits).</exception>
    /// <exception cref="IOException">The directory cannot be written.</exception>
    public static void Mark(string containerDir, string? infraId)
    {
        string path = Path.Combine(containerDir, ContainerMarkers.PodExitStop);
        if (infraId is null) { File.Delete(path); return; }
        if (!IsId(infraId)) throw new ArgumentException($"'{infraId}' is not a container id.", nameof(infraId));
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, infraId);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Whether the infra container <paramref name="infraId"/> (a directory in <paramref name="containersDir"/>) is
    /// running (or paused) and every member marked for it (other than the infra container, not being removed) has
    /// exited (Exited or Dead) since the infra container last started, with at least one such member: a member that
    /// ended before (the pod is being started again) or is still running, restarting or created keeps the pod up.
    /// <paramref name="infra"/> is the infra container's state as read (null when it has none).
    /// </summary>
    public static bool LastMemberExited(string containersDir, string infraId, out ContainerStateFile? infra)
    {
        infra = ReadState(Path.Combine(containersDir, infraId));
        if (infra is not { Status: ContainerStatus.Running or ContainerStatus.Paused, Pid: > 0, StartedAt: DateTime started }) return false;
        int members = 0;
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories(containersDir).ToList(); }
        catch (IOException) { return false; }
        foreach (string dir in dirs)
        {
            string name = Path.GetFileName(dir);
            if (name == infraId || name.StartsWith(ContainerMarkers.TrashPrefix, StringComparison.Ordinal)) continue;
            if (InfraOf(dir) != infraId || File.Exists(Path.Combine(dir, ContainerMarkers.Removing))) continue;
            if (ReadState(dir) is not { Status: ContainerStatus.Exited or ContainerStatus.Dead, FinishedAt: DateTime finished } || finished < started) return false;
            members++;
        }
        return members > 0;
    }

    private static ContainerStateFile? ReadState(string dir)
    {
        try { return ContainerStateFile.ReadFrom(dir); }
        catch (IOException) { return null; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static bool IsId(string s) => s.Length == 64 && s.All(ch => ch is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
