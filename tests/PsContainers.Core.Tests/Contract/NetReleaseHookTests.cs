using PsContainers.Contract;

namespace PsContainers.Core.Tests.Contract;

/// <summary>
/// <see cref="NetReleaseHook"/>: the command line the engine writes into the bundle's poststop hook and pscmon parses
/// (and rebuilds for its detached child) is one definition; what it builds parses back to the same hook.
/// </summary>
public sealed class NetReleaseHookTests
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<string, bool, bool> Hooks => new()
    {
        { "d3b07384d113edec49eaa6238ad5ff00", false, false },
        { "d3b07384d113edec49eaa6238ad5ff00", true, false },
        { "d3b07384d113edec49eaa6238ad5ff00", false, true },
        { "", false, false },
        { "", true, true },
    };

    [Theory]
    [MemberData(nameof(Hooks))]
    public void What_the_engine_builds_pscmon_parses_back(string setup, bool foreground, bool locked)
    {
        var hook = new NetReleaseHook("/var/lib/psc store", Id, setup) { Foreground = foreground, Locked = locked };
        var args = hook.HookArguments();
        // runtime-spec hooks: args[0] is the program name, then pscmon's own words
        Assert.Equal([NetReleaseHook.ProgramName, NetReleaseHook.Subcommand, "/var/lib/psc store", Id, setup], args.Take(5));
        Assert.True(NetReleaseHook.TryParse(args.Skip(2).ToList(), out var back));
        Assert.Equal(hook, back);
    }

    [Fact]
    public void The_detached_child_gets_the_same_hook_with_only_the_locked_flag()
    {
        var hook = new NetReleaseHook("/store", Id, "s1");
        var child = (hook with { Locked = true }).Arguments("/opt/bin/pscmon");
        Assert.Equal(["/opt/bin/pscmon", "net-release", "/store", Id, "s1", "--locked"], child);
        Assert.True(NetReleaseHook.TryParse(child.Skip(2).ToList(), out var back));
        Assert.Equal(hook with { Locked = true }, back);
        Assert.False(back!.Foreground);
    }

    [Fact]
    public void Flags_may_stand_anywhere_and_a_missing_setup_id_reads_as_empty()
    {
        Assert.True(NetReleaseHook.TryParse(["--foreground", "/store", "--unknown", Id], out var h));
        Assert.Equal(new NetReleaseHook("/store", Id, "") { Foreground = true }, h);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("id with space")]
    public void An_id_that_is_not_one_file_name_is_refused(string id)
    {
        Assert.False(NetReleaseHook.IsSafeId(id));
        Assert.False(NetReleaseHook.TryParse(["/store", id, "s1", "--foreground"], out var h));
        Assert.Null(h);
    }

    [Fact]
    public void An_id_longer_than_128_characters_is_refused_and_one_of_128_is_taken()
    {
        Assert.True(NetReleaseHook.IsSafeId(new string('a', 128)));
        Assert.False(NetReleaseHook.IsSafeId(new string('a', 129)));
    }

    [Fact]
    public void Without_a_store_root_or_an_id_there_is_nothing_to_release()
    {
        Assert.False(NetReleaseHook.TryParse([], out _));
        Assert.False(NetReleaseHook.TryParse(["/store"], out _));
        Assert.False(NetReleaseHook.TryParse(["", Id, "s1"], out _));
        Assert.False(NetReleaseHook.TryParse(["--foreground", "--locked"], out _));
    }
}
