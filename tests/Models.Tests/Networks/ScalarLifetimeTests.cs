using System.Reflection;
using System.Reflection.Emit;
using SunspotForecaster.Models.Networks;
using TorchSharp;

namespace SunspotForecaster.Models.Tests.Networks;

/// <summary>
/// TorchSharp 0.107 turns a number passed where a Scalar is expected into a native Scalar that it
/// leaves to the finalizer and does not keep alive during the native call, so a garbage collection
/// on another thread can free it while libtorch reads it: under load the forward pass threw
/// "Scalar.h toDouble" or crashed the process. A race is no test, so this one reads the code: no
/// method of Core may make such a Scalar, itself or through the TorchSharp methods it calls
/// (<c>a + b</c> on tensors is <c>a.add(b)</c>, which adds with an implicit alpha of 1).
/// </summary>
public class ScalarLifetimeTests
{
    private const int TorchSharpDepth = 6;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void No_method_of_core_makes_a_scalar_that_libtorch_could_read_after_it_is_freed()
    {
        var paths = new Dictionary<MethodBase, string?>();
        List<string> found = [];
        foreach (MethodBase method in MethodsOf(typeof(RecurrentRegressor).Assembly))
        {
            foreach (MethodBase callee in Callees(method).Distinct())
            {
                if (PathToImplicitScalar(callee, TorchSharpDepth, paths) is { } path)
                {
                    found.Add($"{Name(method)} calls {path}");
                }
            }
        }

        Assert.True(found.Count == 0, "Implicit Scalars:\n" + string.Join('\n', found));
    }

    [Fact]
    public void The_check_finds_the_implicit_scalar_of_adding_two_tensors()
    {
        // Without this, a reader that found no calls at all would pass the test above.
        MethodInfo plus = typeof(torch.Tensor).GetMethod("op_Addition", [typeof(torch.Tensor), typeof(torch.Tensor)])!;

        string? path = PathToImplicitScalar(plus, TorchSharpDepth, []);

        Assert.NotNull(path);
        Assert.Contains("Scalar.op_Implicit", path);
        Assert.Contains(Callees(typeof(RecurrentRegressor).GetMethod(nameof(RecurrentRegressor.forward))!), m => m.DeclaringType == typeof(torch.Tensor));
    }

    // The chain from a callee to an implicit conversion to Scalar, following TorchSharp's own calls.
    private static string? PathToImplicitScalar(MethodBase method, int depth, Dictionary<MethodBase, string?> known)
    {
        if (method.DeclaringType == typeof(Scalar) && method.Name == "op_Implicit")
        {
            return Name(method);
        }

        if (method.Module.Assembly != typeof(Scalar).Assembly || depth == 0)
        {
            return null;
        }

        if (known.TryGetValue(method, out string? path))
        {
            return path;
        }

        known[method] = null; // a cycle adds nothing
        foreach (MethodBase callee in Callees(method).Distinct())
        {
            if (PathToImplicitScalar(callee, depth - 1, known) is { } rest)
            {
                known[method] = $"{Name(method)} → {rest}";
                break;
            }
        }

        return known[method];
    }

    private static IEnumerable<MethodBase> MethodsOf(Assembly assembly)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return assembly.GetTypes().SelectMany(t => t.GetMethods(All).Cast<MethodBase>().Concat(t.GetConstructors(All)));
    }

    // The methods a method's IL calls (call, callvirt, newobj, ldftn), decoded with the runtime's opcode table.
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int at = 0;
        while (at < il.Length)
        {
            OpCode code = il[at] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[at + 1])] : OpCodesByValue[il[at]];
            at += code.Size;
            int operandSize = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
            if (code.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                    // A generic member this context cannot resolve: not one of TorchSharp's tensor methods.
                }

                if (callee is not null)
                {
                    yield return callee;
                }
            }

            at += operandSize;
        }
    }

    private static string Name(MethodBase method) => $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
