namespace PsContainers.Core.Images;

/// <summary>
/// When an image is pulled before a container is made from it: docker run/create --pull missing|always|never (the
/// -Pull parameter), and compose-spec's pull_policy always, missing (if_not_present) and never.
/// </summary>
public enum PullPolicy
{
    /// <summary>Pull only when the local store has no image by that reference or id.</summary>
    Missing,
    /// <summary>Pull before every run or create.</summary>
    Always,
    /// <summary>Never pull: the image must be in the local store.</summary>
    Never,
}
