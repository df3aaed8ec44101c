using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace PsContainers.Core.Tests;

/// <summary>
/// The engine's state lives in <see cref="Engine"/> (one per store root), not in statics: a static field of the Core
/// assembly (src/Shared included) is a constant, a read-only immutable value, or one of the few kept on purpose below,
/// each with the reason it is process-wide. A new settable static, a static field assigned after start, or a static
/// read-only collection that can be changed (List, Dictionary, HashSet, ...) fails here until it moves into the engine
/// or becomes immutable (FrozenSet, FrozenDictionary, ImmutableArray).
/// </summary>
public sealed class EngineStaticStateTests
{
    /// <summary>Type full name + field name → why it stays a process-wide mutable static.</summary>
    private static readonly Dictionary<string, string> Kept = new(StringComparer.Ordinal)
    {
        // PowerShell's progress display is one per process: activity ids must not collide between engines
        ["PsContainers.Core.Registry.ImagePuller.s_activitySeed"] = "process-wide progress activity ids",
        ["PsContainers.Core.Registry.ImagePusher.s_activitySeed"] = "process-wide progress activity ids",
        // the trace's clock of the thread that prints it
        ["PsContainers.Core.Containers.PhaseTrace.t_last"] = "thread-static trace timing",
        // what the running kernel supports, learnt once per process (and the thread's test switch to the fallback)
        ["PsContainers.FileSystem.FsFeatures.t_forceFallback"] = "thread-static test switch",
        ["PsContainers.FileSystem.FsFeatures.s_noOpenat2"] = "a fact about the kernel",
        ["PsContainers.FileSystem.FsFeatures.s_noFchmodat2"] = "a fact about the kernel",
        ["PsContainers.FileSystem.FsFeatures.s_noXattrAt"] = "a fact about the kernel",
        // host-wide like /run/netns (leases, subnets, firewall generation of every store root); tests move it to a temp directory
        ["PsContainers.Core.Networking.NetworkStore.<RunDirectory>k__BackingField"] = "host-wide run directory, a test seam",
        // the pins of blobs this process put and has not committed: one pin directory per process and store root, held
        // by a lock for the life of the process, shared by every ImageStore of that root in it
        ["PsContainers.Core.Images.ImageStore.PinScopes"] = "per-process pin directories",
        ["PsContainers.Core.Images.ImageStore.PinCounts"] = "per-process pin counts",
        // flock(2) locks belong to the process: the temp scopes it holds are its own work, which its recovery passes
        ["PsContainers.Core.Images.ImageStore.LiveScopeLocks"] = "per-process held scope locks",
        // rules this process set or saw, trusted for a minute unless another process removed rules since (host-wide generation)
        ["PsContainers.Core.Networking.NetworkFirewall.s_ensured"] = "per-process cache of host firewall rules",
    };

    private static readonly Type[] MutableCollections =
    [
        typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(SortedDictionary<,>), typeof(SortedSet<>),
        typeof(Queue<>), typeof(Stack<>), typeof(LinkedList<>), typeof(System.Collections.Concurrent.ConcurrentDictionary<,>),
        typeof(System.Collections.Concurrent.ConcurrentBag<>), typeof(System.Collections.Concurrent.ConcurrentQueue<>),
    ];

    private static bool IsMutableCollection(Type t) =>
        t.IsGenericType && MutableCollections.Contains(t.GetGenericTypeDefinition())
        || typeof(ArrayList).IsAssignableFrom(t) || typeof(Hashtable).IsAssignableFrom(t);

    private static IEnumerable<string> MutableStatics(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (type.Namespace?.StartsWith("PsContainers", StringComparison.Ordinal) != true) continue;
            if (type.IsDefined(typeof(CompilerGeneratedAttribute), false) || type.Name.StartsWith('<')) continue;
            foreach (var f in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (f.IsLiteral) continue;
                bool assignable = !f.IsInitOnly;
                bool mutableContents = f.IsInitOnly && IsMutableCollection(f.FieldType);
                if (assignable || mutableContents) yield return $"{type.FullName}.{f.Name}";
            }
        }
    }

    [Fact]
    public void Core_keeps_no_mutable_static_state_but_the_listed_process_wide_facts()
    {
        var found = MutableStatics(typeof(Engine).Assembly).ToList();
        Assert.Empty(found.Where(f => !Kept.ContainsKey(f)));
        // the list stays true: every kept entry still exists (a removed one is taken off)
        Assert.Empty(Kept.Keys.Where(k => !found.Contains(k)));
    }

    [Fact]
    public void The_check_finds_a_settable_static_and_a_changeable_static_collection()
    {
        var found = MutableStatics(typeof(EngineStaticStateTests).Assembly).ToList();
        Assert.Contains($"{typeof(Samples).FullName}.<Settable>k__BackingField", found);
        Assert.Contains($"{typeof(Samples).FullName}.Table", found);
        Assert.Contains($"{typeof(Samples).FullName}.s_cache", found);
        Assert.DoesNotContain($"{typeof(Samples).FullName}.Frozen", found);
        Assert.DoesNotContain($"{typeof(Samples).FullName}.Fixed", found);
    }

#pragma warning disable CS0169, CS0649, IDE0044, IDE0051 // fields read by reflection only
    private static class Samples
    {
        public static string Settable { get; set; } = "";
        public static string Fixed { get; } = "";
        private static readonly Dictionary<string, int> Table = new();
        private static readonly System.Collections.Frozen.FrozenSet<string> Frozen = System.Collections.Frozen.FrozenSet<string>.Empty;
        private static string? s_cache;
    }
#pragma warning restore CS0169, CS0649, IDE0044, IDE0051
}
