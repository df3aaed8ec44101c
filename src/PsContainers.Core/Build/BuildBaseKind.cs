namespace PsContainers.Core.Build;

/// <summary>What a stage's FROM names: an image to pull or find, the empty <c>scratch</c>, or an earlier stage.</summary>
public enum BuildBaseKind
{
    /// <summary>An image reference (<see cref="BuildPlanStage.BaseName"/>).</summary>
    Image,
    /// <summary><c>FROM scratch</c>: an empty filesystem and config.</summary>
    Scratch,
    /// <summary>An earlier stage by its AS name (<see cref="BuildPlanStage.BaseStage"/>).</summary>
    Stage,
}
