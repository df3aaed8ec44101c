using System.Collections;
using System.Management.Automation;

namespace PsContainers.Transformations;

/// <summary>
/// Binds the command words of a container command (run, create, exec, compose run; the words after '--'): each word
/// becomes one string. PowerShell parses an unquoted comma list such as <c>ps -o pid,args</c> as an array, so one
/// typed word arrives as a nested array; it is joined back with ',' into the text the user typed ("pid,args"), as a
/// POSIX shell passes it (docker exec ... ps -o pid,args). Nested arrays inside nested arrays are joined the same
/// way. A scalar (a number, a path object) becomes its PowerShell string form; $null passes through.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class CommandWordsTransformationAttribute : ArgumentTransformationAttribute
{
    /// <returns>string[] (one entry per command word), or null for null.</returns>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? v = Unwrap(inputData);
        if (v is null) return null;
        if (v is string s) return new[] { s };
        if (v is not IEnumerable list) return new[] { Word(v) };
        var words = new List<string>();
        foreach (object? item in list)
            words.Add(Word(item));
        return words.ToArray();
    }

    private static object? Unwrap(object? o) => o is PSObject pso ? pso.BaseObject : o;

    /// <summary>One word: a nested list joined with ',' (its own nested lists likewise), a scalar as its string.</summary>
    private static string Word(object? item)
    {
        object? v = Unwrap(item);
        return v switch
        {
            null => "",
            string s => s,
            IEnumerable nested => string.Join(",", nested.Cast<object?>().Select(Word)),
            _ => LanguagePrimitives.ConvertTo<string>(v),
        };
    }
}
