namespace PsContainers.Core.Pods;

/// <summary>
/// A namespace the containers of a pod share with its infra container (podman pod create --share, whose default is
/// ipc, net and uts; Kubernetes pods share the same three).
/// </summary>
public enum PodNamespace
{
    /// <summary>The network namespace: interfaces, addresses, localhost, ports; and the pod's /etc/hosts and resolv.conf.</summary>
    Net,
    /// <summary>The IPC namespace: System V IPC objects and POSIX message queues.</summary>
    Ipc,
    /// <summary>The UTS namespace: the hostname (the pod's) and the NIS domain name.</summary>
    Uts,
}
