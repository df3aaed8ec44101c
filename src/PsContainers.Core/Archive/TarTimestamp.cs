using System.Globalization;

namespace PsContainers.Core.Archive;

/// <summary>
/// A point in time as tar stores it: whole seconds since the Unix epoch (negative before 1970) plus a
/// nanosecond fraction that is always in [0, 999 999 999] and always counts forward.
/// So -1.75 s (1969-12-31T23:59:58.25Z) is <c>Seconds = -2, Nanoseconds = 250 000 000</c>.
/// </summary>
/// <param name="Seconds">Seconds since 1970-01-01T00:00:00Z, floor of the exact time.</param>
/// <param name="Nanoseconds">Nanoseconds after <paramref name="Seconds"/>, 0 to 999 999 999.</param>
public readonly record struct TarTimestamp(long Seconds, int Nanoseconds)
{
    /// <summary>The Unix epoch.</summary>
    public static TarTimestamp Epoch => default;

    /// <summary>Whole seconds, no fraction.</summary>
    public static TarTimestamp FromSeconds(long seconds) => new(seconds, 0);

    /// <summary>Convert from a <see cref="DateTimeOffset"/> (100 ns precision).</summary>
    public static TarTimestamp FromDateTimeOffset(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long s = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rem);
        if (rem < 0) { s--; rem += TimeSpan.TicksPerSecond; }
        return new TarTimestamp(s, (int)(rem * 100));
    }

    /// <summary>Convert to a <see cref="DateTimeOffset"/> (UTC); the fraction is truncated to 100 ns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The time is outside years 1 to 9999.</exception>
    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddSeconds(Seconds).AddTicks(Nanoseconds / 100);

    /// <summary>The time as a pax decimal: seconds, then "." and the fraction without trailing zeros when not whole.
    /// Negative times are written as the exact signed value (POSIX pax, "mtime"): -2 s + 0.25 s is "-1.75".</summary>
    public string ToPaxString()
    {
        if (Nanoseconds == 0) return Seconds.ToString(CultureInfo.InvariantCulture);
        long whole = Seconds;
        long frac = Nanoseconds;
        string sign = "";
        if (Seconds < 0)
        {
            // value = Seconds + ns/1e9 is negative: magnitude = (-Seconds - 1) + (1e9 - ns)/1e9
            sign = "-";
            whole = -(Seconds + 1);
            frac = 1_000_000_000 - Nanoseconds;
        }
        string f = frac.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return sign + whole.ToString(CultureInfo.InvariantCulture) + "." + f;
    }

    /// <inheritdoc/>
    public override string ToString() => ToPaxString();
}
