using System.Collections.Concurrent;
using PsContainers.Core;

namespace PsContainers;

/// <summary>
/// One <see cref="Engine"/> per store root within this process, shared by the cmdlets and the argument completers.
/// An engine whose root was deleted since (see <see cref="Engine.IsStale"/>) is replaced.
/// </summary>
public static class EngineCache
{
    private static readonly ConcurrentDictionary<string, Engine> s_engines = new(StringComparer.Ordinal);

    /// <summary>The engine of <paramref name="paths"/>' root.</summary>
    public static Engine For(PscPaths paths)
    {
        while (true)
        {
            var e = s_engines.GetOrAdd(paths.Root, _ => new Engine(paths));
            if (!e.IsStale) return e;
            s_engines.TryUpdate(paths.Root, new Engine(paths), e);
        }
    }

    /// <summary>The engine of the current root: $env:PSCONTAINERS_ROOT or /var/lib/pscontainers.</summary>
    public static Engine Current => For(new PscPaths(EngineEnvironment.Root));
}
