using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Images;

namespace PsContainers.Core.Compose;

/// <summary>
/// A service's <c>pull_policy</c> (compose-spec spec.md "pull_policy"), read into the engine's -Pull value: always →
/// <see cref="PullPolicy.Always"/>; missing and its alias if_not_present → <see cref="PullPolicy.Missing"/>; never →
/// <see cref="PullPolicy.Never"/>; build → <see cref="PullPolicy.Never"/> with <see cref="Build"/> (build the image,
/// even when it exists, never pull it); daily, weekly and every_&lt;duration&gt; → <see cref="PullPolicy.Missing"/>
/// with <see cref="RefreshAfter"/> 24 h, 7 d or the Go duration (pull again once the local image is that old), which
/// Start-ContainerProject refuses (ComposePullPolicyNotSupported): the image store does not record when an image was
/// last pulled.
/// </summary>
public sealed record ContainerProjectPullPolicy
{
    /// <summary>The engine's pull policy this one asks for.</summary>
    public PullPolicy Pull { get; init; }
    /// <summary>pull_policy: build: the image is always built from the service's build section, never pulled.</summary>
    public bool Build { get; init; }
    /// <summary>daily (24 h), weekly (7 d), every_&lt;duration&gt;: pull again once the local image is older; null otherwise.</summary>
    public TimeSpan? RefreshAfter { get; init; }

    /// <summary>
    /// Parse a pull_policy value, in any case: always, never, missing, if_not_present, build, daily, weekly or
    /// every_&lt;duration&gt; (a positive Go duration such as 12h or 1h30m). False for anything else.
    /// </summary>
    public static bool TryParse(string? text, out ContainerProjectPullPolicy policy)
    {
        string t = (text ?? "").Trim().ToLowerInvariant();
        ContainerProjectPullPolicy? p = t switch
        {
            "always" => new() { Pull = PullPolicy.Always },
            "never" => new() { Pull = PullPolicy.Never },
            "missing" or "if_not_present" => new() { Pull = PullPolicy.Missing },
            "build" => new() { Pull = PullPolicy.Never, Build = true },
            "daily" => new() { Pull = PullPolicy.Missing, RefreshAfter = TimeSpan.FromDays(1) },
            "weekly" => new() { Pull = PullPolicy.Missing, RefreshAfter = TimeSpan.FromDays(7) },
            _ when t.StartsWith("every_", StringComparison.Ordinal) && GoDuration.TryParse(t[6..], out var d) && d > TimeSpan.Zero
                => new() { Pull = PullPolicy.Missing, RefreshAfter = d },
            _ => null,
        };
        policy = p ?? new ContainerProjectPullPolicy();
        return p is not null;
    }

    /// <summary>The compose-spec spelling: "always", "missing", "never", "build", "daily", "weekly" or "every_&lt;duration&gt;".</summary>
    public override string ToString() => this switch
    {
        { Build: true } => "build",
        { RefreshAfter: { } d } when d == TimeSpan.FromDays(1) => "daily",
        { RefreshAfter: { } d } when d == TimeSpan.FromDays(7) => "weekly",
        { RefreshAfter: { } d } => "every_" + GoDuration.Format(d),
        _ => Pull.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
