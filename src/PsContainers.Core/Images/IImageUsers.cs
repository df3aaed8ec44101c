namespace PsContainers.Core.Images;

/// <summary>Answers which containers use which images (the container store; wired by <see cref="Engine"/>).</summary>
public interface IImageUsers
{
    /// <summary>Every container on disk and the image it uses; a pure read.</summary>
    IReadOnlyList<ContainerUse> GetImageUsers();
}
