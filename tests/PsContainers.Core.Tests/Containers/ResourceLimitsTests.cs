using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// <see cref="ResourceLimits"/>: docker's rules for the limits (create, run, update and compose share them) and the one
/// mapping to the OCI linux.resources.
/// </summary>
public sealed class ResourceLimitsTests
{
    [Fact]
    public void Every_limit_maps_to_its_linux_resources_field()
    {
        var r = new ResourceLimits { Memory = 64L << 20, MemorySwap = 96L << 20, Cpus = 0.5, CpuShares = 512, CpusetCpus = "0", PidsLimit = 42 }.ToOci();
        Assert.Equal(64L << 20, r.Memory!.Limit);
        Assert.Equal(96L << 20, r.Memory.Swap);
        Assert.Equal(512UL, r.Cpu!.Shares);
        Assert.Equal("0", r.Cpu.Cpus);
        Assert.Equal(100000UL, r.Cpu.Period);
        Assert.Equal(50000L, r.Cpu.Quota);
        Assert.Equal(42, r.Pids!.Limit);
        Assert.Null(r.Devices);
    }

    [Fact]
    public void Docker_defaults_swap_twice_memory_unlimited_pids_and_leaves_unset_limits_null()
    {
        var r = new ResourceLimits { Memory = 32L << 20, PidsLimit = 0 }.ToOci();
        Assert.Equal(64L << 20, r.Memory!.Swap);
        Assert.Equal(-1, r.Pids!.Limit);
        Assert.Null(r.Cpu);
        Assert.Equal(-1, new ResourceLimits { PidsLimit = -1 }.ToOci().Pids!.Limit);
        Assert.Equal(-1, new ResourceLimits { Memory = 32L << 20, MemorySwap = -1 }.ToOci().Memory!.Swap);

        var none = ResourceLimits.None.ToOci();
        Assert.True(ResourceLimits.None.IsEmpty);
        Assert.Null(none.Memory);
        Assert.Null(none.Cpu);
        Assert.Null(none.Pids);
    }

    [Fact]
    public void ToOci_writes_into_the_given_resources_and_keeps_their_device_rules()
    {
        var into = new SpecResources { Devices = [new SpecDeviceCgroup { Allow = false, Access = "rwm" }] };
        var r = new ResourceLimits { CpusetCpus = "0" }.ToOci(into);
        Assert.Same(into, r);
        Assert.Single(r.Devices!);
        Assert.Equal("0", r.Cpu!.Cpus);
        Assert.Null(r.Cpu.Quota);
    }

    [Theory]
    [InlineData(5L << 20, null, "InvalidMemory")]          // below docker's 6 MiB
    [InlineData(64L << 20, 32L << 20, "InvalidMemory")]    // swap below memory
    [InlineData(null, 64L << 20, "InvalidMemory")]         // swap without memory
    [InlineData(64L << 20, -2L, "InvalidMemory")]          // only -1 means unlimited
    public void Memory_rules_are_dockers(long? memory, long? swap, string errorId)
    {
        var l = new ResourceLimits { Memory = memory, MemorySwap = swap };
        var e = Assert.Throws<InvalidArgumentException>(() => l.Validate(2));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(errorId, Assert.Throws<InvalidArgumentException>(() => l.ToOci()).ErrorId);
    }

    [Fact]
    public void Cpus_range_from_a_hundredth_to_the_host_cpu_count()
    {
        new ResourceLimits { Cpus = 0.01 }.Validate(2);
        new ResourceLimits { Cpus = 2 }.Validate(2);
        var above = Assert.Throws<InvalidArgumentException>(() => new ResourceLimits { Cpus = 2.5 }.Validate(2));
        Assert.Equal(ErrorIds.InvalidCpus, above.ErrorId);
        Assert.Contains("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available", above.Message);
        Assert.Equal(ErrorIds.InvalidCpus, Assert.Throws<InvalidArgumentException>(() => new ResourceLimits { Cpus = 0.001 }.Validate(2)).ErrorId);
        Assert.Equal(ErrorIds.InvalidCpus, Assert.Throws<InvalidArgumentException>(() => new ResourceLimits { Cpus = double.NaN }.Validate(2)).ErrorId);
    }

    [Theory]
    [InlineData(1UL, false)]
    [InlineData(2UL, true)]
    [InlineData(262144UL, true)]
    [InlineData(262145UL, false)]
    public void Cpu_shares_are_the_kernels_range(ulong shares, bool valid)
    {
        var l = new ResourceLimits { CpuShares = shares };
        if (valid) l.Validate(2);
        else Assert.Equal(ErrorIds.InvalidCpuShares, Assert.Throws<InvalidArgumentException>(() => l.Validate(2)).ErrorId);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("0-1", true)]
    [InlineData("0,2-3,7", true)]
    [InlineData("1-1", true)]
    [InlineData("2-0", false)]
    [InlineData("0-", false)]
    [InlineData("a", false)]
    [InlineData("0;1", false)]
    [InlineData("", false)]
    [InlineData(" 0", false)]
    public void A_cpuset_is_a_list_of_cpus_and_ascending_ranges(string cpuset, bool valid)
    {
        var l = new ResourceLimits { CpusetCpus = cpuset };
        if (valid) l.Validate(2);
        else
        {
            var e = Assert.Throws<InvalidArgumentException>(() => l.Validate(2));
            Assert.Equal(ErrorIds.InvalidCpuset, e.ErrorId);
            Assert.Equal(cpuset, e.Target);
        }
    }

    [Fact]
    public void Updated_replaces_only_the_limits_given_and_leaves_both_records_as_they_were()
    {
        var current = new ResourceLimits { Memory = 64L << 20, MemorySwap = 96L << 20, Cpus = 0.5, CpuShares = 512, CpusetCpus = "0", PidsLimit = 42 };
        var changes = new ResourceLimits { Memory = 80L << 20, PidsLimit = -1 };
        var next = current.Updated(changes);
        Assert.Equal(current with { Memory = 80L << 20, PidsLimit = -1 }, next);
        Assert.Equal(64L << 20, current.Memory);
        Assert.Null(changes.Cpus);
        Assert.Equal(current, current.Updated(ResourceLimits.None));
    }
}
