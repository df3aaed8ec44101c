namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// An existing linux.cgroupsPath on a cgroup v1 (or hybrid) host, pscrun and runc on the same bundles
/// (<see cref="JoinedCgroupScenarios"/>; the v2 guest runs the same scenarios in <see cref="CgroupV2RuntimeTests"/>).
/// </summary>
[Collection("oci-runtime")]
public sealed class CgroupJoinTests
{
    private readonly RuntimeFixture _f;
    public CgroupJoinTests(RuntimeFixture f) { _f = f; }

    public static IEnumerable<object[]> Runtimes => OciRuntimeConformanceTests.Runtimes;

    private RuntimeUnderTest Rt(string name) => new(name, _f);

    [CgroupTheory(1), MemberData(nameof(Runtimes))]
    public void JoinsAGroupHoldingProcessesAndLeavesThemAtDelete(string runtime) =>
        JoinedCgroupScenarios.JoinsAGroupHoldingProcessesAndLeavesThemAtDelete(_f, Rt(runtime));

    [CgroupTheory(1), MemberData(nameof(Runtimes))]
    public void JoinsAnEmptyGroupAndRemovesItAtDelete(string runtime) =>
        JoinedCgroupScenarios.JoinsAnEmptyGroupAndRemovesItAtDelete(_f, Rt(runtime));

    [CgroupTheory(1), MemberData(nameof(Runtimes))]
    public void RefusesAFrozenGroup(string runtime) => JoinedCgroupScenarios.RefusesAFrozenGroup(_f, Rt(runtime));

    [CgroupTheory(1), MemberData(nameof(Runtimes))]
    public void WithoutAPidNamespaceDeleteKillsTheJoinedGroupsProcesses(string runtime) =>
        JoinedCgroupScenarios.WithoutAPidNamespaceDeleteKillsTheJoinedGroupsProcesses(_f, Rt(runtime));
}
