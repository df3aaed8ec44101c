using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Build;

/// <summary>
/// The runtime spec of a build's working container (a container labelled <see cref="BuildWorkingContainer.StepLabel"/>;
/// only RUN steps start theirs): a createRuntime hook <c>pscmon dir-stamps BUNDLE/upper BUNDLE/dir-stamps</c>
/// (OCI runtime-spec config.md "createRuntime": after the runtime created the container's mounts and mount points,
/// before pivot_root and before the command runs). It records the upper directory's directories as the runtime left
/// them (<see cref="PsContainers.FileSystem.DirectoryStamps"/>); after the command the build compares
/// (<see cref="ContainerChanges.RuntimeMountTargets"/>): a directory copied up only to hold a mount point and not
/// touched since is no change, one the command touched (<c>RUN touch /etc</c>, as BuildKit and buildah) is.
/// Any other container's spec is left as it is.
/// </summary>
/// <param name="store">The container store whose layout names the upper directory (<see cref="ContainerStore.UpperOf"/>).</param>
public sealed class BuildStepSpecContributor(ContainerStore store) : ISpecContributor
{
    /// <summary>The stamps file in a working container's directory (bundle), written by the hook.</summary>
    public const string StampsFileName = "dir-stamps";

    public string Name => "build-step";

    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        if (!container.Labels.ContainsKey(BuildWorkingContainer.StepLabel)) return;
        spec.Hooks ??= new SpecHooks();
        spec.Hooks.CreateRuntime ??= new List<SpecHook>();
        spec.Hooks.CreateRuntime.Add(new SpecHook
        {
            Path = ContainerManager.MonitorExecutable,
            Args = ["pscmon", "dir-stamps", store.UpperOf(container.Id), Path.Combine(bundle, StampsFileName)],
            Timeout = 60,
        });
    }
}
