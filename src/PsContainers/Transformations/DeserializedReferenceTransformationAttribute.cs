using System.Collections;
using System.Management.Automation;

namespace PsContainers.Transformations;

/// <summary>
/// Lets an object of this module that crossed a process boundary (PowerShell remoting, a job, Import-Clixml) bind to a
/// parameter typed as the live class, so that it is resolved by its Id as a live object is, never by its Name.
/// Such an object is a property bag whose TypeNames hold <c>Deserialized.</c> + the class' full name (e.g.
/// <c>Deserialized.PsContainers.Core.Containers.Container</c>); no typed parameter takes it, so without this PowerShell
/// bound its Name by property name to -Name, and a container object from host A piped on host B acted on B's
/// container of the same name (issue 17's red team). The bag becomes a new instance of the class that carries only
/// the bag's settable string and string-array properties (Id, Name, RepoTags...): a reference, which the cmdlets
/// re-read from the local store by Id (<see cref="PsContainers.Core.Targets.TargetSelector{T}.Reload"/>); when no local
/// object has that Id, that is the kind's non-terminating ObjectNotFound error naming the Id and the name.
/// A bag without an Id, and anything else, passes through unchanged for the binder to judge. PowerShell runs
/// transformations before its type check, also in the binder's first pass (no coercion), so a deserialized object
/// binds here before any parameter could take its Name by property name. Arrays (-InputObject $a, $b) are mapped
/// element by element.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DeserializedReferenceTransformationAttribute : ArgumentTransformationAttribute
{
    private readonly Type _type;
    private readonly string _typeName;

    /// <param name="type">The live class (it has a public parameterless constructor and a string Id).</param>
    public DeserializedReferenceTransformationAttribute(Type type)
    {
        _type = type;
        _typeName = "Deserialized." + type.FullName;
    }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (inputData is IList list && ContainsBag(list))
        {
            var result = Array.CreateInstance(_type, list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                var one = Convert(list[i]);
                if (one is null || !_type.IsInstanceOfType(one)) return inputData; // not all of the kind: the binder judges
                result.SetValue(one, i);
            }
            return result;
        }
        return Convert(inputData) ?? inputData;
    }

    private bool ContainsBag(IList list)
    {
        foreach (var item in list)
            if (IsBag(item, out _)) return true;
        return false;
    }

    private bool IsBag(object? input, out PSObject bag)
    {
        bag = null!;
        if (input is not PSObject p || _type.IsInstanceOfType(p.BaseObject) || !p.TypeNames.Contains(_typeName)) return false;
        bag = p;
        return !string.IsNullOrEmpty(p.Properties["Id"]?.Value?.ToString());
    }

    /// <summary>The reference a bag stands for; the live object itself for a wrapped live one; null for anything else.</summary>
    private object? Convert(object? input)
    {
        if (input is PSObject { BaseObject: var b } && _type.IsInstanceOfType(b)) return b;
        if (_type.IsInstanceOfType(input)) return input;
        if (!IsBag(input, out var bag)) return null;
        var reference = Activator.CreateInstance(_type)!;
        foreach (var property in _type.GetProperties())
        {
            if (!property.CanWrite || property.SetMethod?.IsPublic != true) continue;
            var value = bag.Properties[property.Name]?.Value;
            if (value is null) continue;
            if (property.PropertyType == typeof(string))
                property.SetValue(reference, value.ToString());
            else if (property.PropertyType == typeof(string[]) && LanguagePrimitives.GetEnumerable(value) is { } items)
                property.SetValue(reference, items.Cast<object?>().Select(o => o?.ToString() ?? "").ToArray());
            else if (value is string s && property.PropertyType == typeof(string[]))
                property.SetValue(reference, new[] { s });
        }
        return reference;
    }
}
