using System.Reflection;
using System.Runtime.Loader;
using Google.Protobuf.Reflection;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The emulator's proto subset against the protocol the worker was compiled with (the descriptor
/// inside its Microsoft.Azure.Functions.Worker.Grpc.dll): every message, field, number, type and
/// enum value the emulator writes or reads means the same to the worker.
/// </summary>
public sealed class ProtocolSubsetTests
{
    private static FileDescriptor Workers()
    {
        // A context of its own that shares this process's Google.Protobuf, so the descriptor's types are ours.
        var context = new AssemblyLoadContext("worker-grpc", isCollectible: true);
        context.Resolving += (loading, name) =>
            name.Name == "Google.Protobuf" ? typeof(FileDescriptor).Assembly
            : File.Exists(Path.Combine(Paths.WorkerDirectory, name.Name + ".dll")) ? loading.LoadFromAssemblyPath(Path.Combine(Paths.WorkerDirectory, name.Name + ".dll"))
            : null;
        Assembly grpc = context.LoadFromAssemblyPath(Path.Combine(Paths.WorkerDirectory, "Microsoft.Azure.Functions.Worker.Grpc.dll"));
        Type reflection = grpc.GetType("Microsoft.Azure.Functions.Worker.Grpc.Messages.FunctionRpcReflection", throwOnError: true)!;
        return (FileDescriptor)reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
    }

    private static IEnumerable<MessageDescriptor> All(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => new[] { m }.Concat(All(m.NestedTypes)));

    [Fact]
    public void Every_field_of_the_subset_has_the_workers_number_type_and_name()
    {
        FileDescriptor worker = Workers();
        FileDescriptor ours = HostEmulator.Rpc.FunctionRpcSubsetReflection.Descriptor;
        Assert.Equal(worker.Package, ours.Package);
        Dictionary<string, MessageDescriptor> theirs = All(worker.MessageTypes).ToDictionary(m => m.FullName);
        int fields = 0;
        foreach (MessageDescriptor message in All(ours.MessageTypes))
        {
            Assert.True(theirs.TryGetValue(message.FullName, out MessageDescriptor? same), $"the worker has no message {message.FullName}");
            foreach (FieldDescriptor field in message.Fields.InFieldNumberOrder())
            {
                FieldDescriptor? other = same.FindFieldByNumber(field.FieldNumber);
                Assert.True(other is not null, $"{message.FullName} field {field.FieldNumber} ({field.Name}) is not in the worker's protocol");
                Assert.Equal($"{message.FullName}.{field.Name} {field.FieldType} {field.IsRepeated} {field.ContainingOneof?.Name}",
                    $"{message.FullName}.{other.Name} {other.FieldType} {other.IsRepeated} {other.ContainingOneof?.Name}");
                if (field.FieldType == FieldType.Message)
                {
                    Assert.Equal(field.MessageType.FullName, other.MessageType.FullName);
                }

                if (field.FieldType == FieldType.Enum)
                {
                    Assert.Equal(field.EnumType.Values.Select(v => $"{v.Name}={v.Number}"), other.EnumType.Values.Select(v => $"{v.Name}={v.Number}").Take(field.EnumType.Values.Count));
                }

                fields++;
            }
        }

        Assert.True(fields > 100, $"only {fields} fields compared");
    }

    [Fact]
    public void The_service_and_its_one_method_are_the_workers()
    {
        ServiceDescriptor worker = Workers().Services.Single();
        ServiceDescriptor ours = HostEmulator.Rpc.FunctionRpcSubsetReflection.Descriptor.Services.Single();

        Assert.Equal(worker.FullName, ours.FullName);
        Assert.Equal(worker.Methods.Select(m => $"{m.Name}({m.InputType.FullName}) {m.IsClientStreaming} {m.IsServerStreaming}"),
            ours.Methods.Select(m => $"{m.Name}({m.InputType.FullName}) {m.IsClientStreaming} {m.IsServerStreaming}"));
    }
}
