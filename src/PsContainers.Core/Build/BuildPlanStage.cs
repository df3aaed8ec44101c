namespace PsContainers.Core.Build;

/// <summary>
/// A stage of a <see cref="DockerfileBuildPlan"/>: the parsed stage, its FROM expanded with the global ARGs, what
/// its base is, and the stages and images it reads from.
/// </summary>
public sealed class BuildPlanStage
{
    private readonly DockerfileBuildPlan _plan;

    internal BuildPlanStage(DockerfileBuildPlan plan, DockerfileStage stage, FromInstruction from)
    {
        _plan = plan;
        Stage = stage;
        From = from;
    }

    /// <summary>The stage as parsed.</summary>
    public DockerfileStage Stage { get; }
    /// <summary>0-based index among all stages.</summary>
    public int Index => Stage.Index;
    /// <summary>The AS name (lower case), or null.</summary>
    public string? Name => Stage.Name;
    /// <summary>The FROM instruction expanded with the global ARGs (and the predefined platform ARGs).</summary>
    public FromInstruction From { get; }
    /// <summary>The base after expansion: an image reference, "scratch", or the base stage's name.</summary>
    public string BaseName => From.BaseName;
    /// <summary>The --platform value after expansion ("linux/arm64"), or null.</summary>
    public string? Platform => From.Platform;
    /// <summary>Image, scratch or an earlier stage.</summary>
    public BuildBaseKind BaseKind { get; internal set; }
    /// <summary>The base stage when <see cref="BaseKind"/> is Stage, else null.</summary>
    public BuildPlanStage? BaseStage { get; internal set; }
    /// <summary>The instructions after FROM, as parsed (expand each with the stage's scope before use).</summary>
    public IReadOnlyList<DockerfileInstruction> Instructions => Stage.Instructions;
    /// <summary>The stages this stage needs built first: its base stage, and the stages of COPY --from and RUN --mount from=, each once.</summary>
    public IReadOnlyList<BuildPlanStage> Dependencies { get; internal set; } = [];
    /// <summary>Images named by COPY --from / RUN --mount from= that are not stages (to pull or find), each once.</summary>
    public IReadOnlyList<string> ImageDependencies { get; internal set; } = [];

    /// <summary>
    /// The ARG scope at the start of this stage: empty, or, for a stage based on another, the base stage's scope at
    /// its end (ARGs declared there stay in scope).
    /// </summary>
    /// <param name="baseStageScope">The base stage's scope after its last instruction (when <see cref="BaseKind"/> is Stage); ignored otherwise.</param>
    public BuildVariableScope CreateScope(BuildVariableScope? baseStageScope = null) =>
        BaseKind == BuildBaseKind.Stage && baseStageScope is not null
            ? baseStageScope.Inherit()
            : new BuildVariableScope(_plan.BuildArgs, _plan.GlobalArgs, null);

    /// <summary>"stage 1 (build) FROM golang:1.22".</summary>
    public override string ToString() => $"stage {Index}{(Name is null ? "" : $" ({Name})")} FROM {BaseName}";
}
