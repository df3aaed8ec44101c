using PsContainers.Contract;
using PsContainers.Core.Containers;
using System.Runtime.InteropServices;
using static PsContainers.FileSystem.Libc;

namespace PsContainers.Monitor;

/// <summary>
/// The member's side of <see cref="PodExitStop"/>: after the member ended for good, stop the pod's infra container
/// when this member was the last to end (podman's pod exit policy "stop"). As the engine's stop does: the
/// <see cref="ContainerMarkers.UserStop"/> marker first (the infra's monitor must not restart it), then SIGTERM to its
/// pause process, which ends at once, and SIGKILL after <see cref="GraceMilliseconds"/>. The signals go through a
/// pidfd opened before the infra's state is read again, so they can only reach the process the state names. The
/// infra's own monitor then records its exit and releases its network and ports, as for any exit.
/// </summary>
internal static unsafe class PodInfraStopper
{
    /// <summary>How long the infra's pause process has after SIGTERM before SIGKILL (the engine's default stop timeout).</summary>
    public const int GraceMilliseconds = 10_000;

    /// <summary>Stop the infra container of <paramref name="memberDir"/>'s pod when this member was its last; a no-op otherwise. Never throws.</summary>
    public static void Run(string memberDir, Action<string> mark)
    {
        try
        {
            if (PodExitStop.InfraOf(memberDir) is not { } infraId) return;
            string containers = Path.GetDirectoryName(Path.GetFullPath(memberDir).TrimEnd('/'))!;
            if (!PodExitStop.LastMemberExited(containers, infraId, out var infra) || infra is null) return;
            string infraDir = Path.Combine(containers, infraId);
            int pidfd = Native.PidfdOpen(infra.Pid);
            if (pidfd < 0) return; // gone meanwhile
            try
            {
                // the pid read before the pidfd must still be the infra's process
                if (ContainerStateFile.ReadFrom(infraDir) is not { Status: ContainerStatus.Running or ContainerStatus.Paused } again || again.Pid != infra.Pid) return;
                File.WriteAllBytes(Path.Combine(infraDir, ContainerMarkers.UserStop), []);
                mark("stopping the pod's infra container " + infraId);
                Signal(pidfd, SIGTERM);
                if (!Exited(pidfd, GraceMilliseconds)) Signal(pidfd, SIGKILL);
            }
            finally { close(pidfd); }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void Signal(int pidfd, int sig) => syscall(SYS_pidfd_send_signal, pidfd, sig, 0, 0, 0, 0);

    /// <summary>Whether the process of <paramref name="pidfd"/> exits within <paramref name="ms"/> (a pidfd polls readable at exit).</summary>
    private static bool Exited(int pidfd, int ms)
    {
        var p = new PollFd { fd = pidfd, events = 1 /*POLLIN*/ };
        var until = Environment.TickCount64 + ms;
        while (true)
        {
            long left = until - Environment.TickCount64;
            if (left <= 0) return false;
            int r = poll(&p, 1, (int)left);
            if (r > 0) return true;
            if (r < 0 && Marshal.GetLastPInvokeError() != PsContainers.FileSystem.Errno.EINTR) return false;
        }
    }
}
