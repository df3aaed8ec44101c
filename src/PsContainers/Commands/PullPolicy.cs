namespace PsContainers.Commands;

/// <summary>When run and create pull the image (docker run --pull missing|always|never).</summary>
public enum PullPolicy
{
    /// <summary>Pull only when the local store has no image by that reference or id.</summary>
    Missing,
    /// <summary>Pull before every run or create.</summary>
    Always,
    /// <summary>Never pull: the image must be in the local store.</summary>
    Never,
}
