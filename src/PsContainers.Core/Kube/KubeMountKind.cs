namespace PsContainers.Core.Kube;

/// <summary>What a mount of a <see cref="KubeWorkload"/> becomes in the pod's volumes.</summary>
public enum KubeMountKind
{
    /// <summary>A named volume: a <c>persistentVolumeClaim</c> volume and a PersistentVolumeClaim object.</summary>
    Volume,
    /// <summary>An anonymous volume: an <c>emptyDir</c> (its data lives as long as the pod).</summary>
    Anonymous,
    /// <summary>A host path (bind mount): a <c>hostPath</c> volume, with a warning (it ties the pod to one node).</summary>
    Bind,
    /// <summary>A tmpfs: an <c>emptyDir</c> with <c>medium: Memory</c> and its size as <c>sizeLimit</c>.</summary>
    Tmpfs,
    /// <summary>A configMap volume a play made (files of a ConfigMap): a <c>configMap</c> volume and the ConfigMap object.</summary>
    ConfigMap,
    /// <summary>A secret volume a play made (files of a Secret): a <c>secret</c> volume and the Secret object.</summary>
    Secret,
}
