namespace PsContainers.Contract;

/// <summary>docker's restart policy names (HostConfig.RestartPolicy.Name): "no", "always", "unless-stopped", "on-failure".</summary>
public enum RestartPolicyName
{
    No,
    Always,
    UnlessStopped,
    OnFailure,
}
