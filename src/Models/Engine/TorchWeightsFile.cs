using System.Buffers.Binary;
using System.Text;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// TorchSharp's weights file (what <c>Module.save</c> writes and <c>Module.load</c> reads), read and
/// written in managed code, so that serving never needs libtorch: the number of tensors, then for
/// each its name, element type, rank, sizes and little-endian values; every integer a LEB128
/// varint and the name length-prefixed UTF-8 (TorchSharp's own description of the format,
/// docfx/articles/saveload.md and its exportsd.py). Only float32 tensors occur in our networks.
/// </summary>
public static class TorchWeightsFile
{
    private const long Float32 = 6; // TorchSharp's ScalarType.Float32

    /// <summary>The file for <paramref name="weights"/> laid out as <paramref name="layout"/> says.</summary>
    public static byte[] Write(NetworkLayout layout, ReadOnlySpan<float> weights)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (weights.Length != layout.Count)
        {
            throw new ArgumentException($"The layout holds {layout.Count} weights; {weights.Length} were given.", nameof(weights));
        }

        using var stream = new MemoryStream();
        WriteVarint(stream, layout.Parameters.Count);
        foreach (NetworkLayout.Parameter parameter in layout.Parameters)
        {
            byte[] name = Encoding.UTF8.GetBytes(parameter.Name);
            WriteVarint(stream, name.Length);
            stream.Write(name);
            WriteVarint(stream, Float32);
            WriteVarint(stream, parameter.Shape.Length);
            foreach (int size in parameter.Shape)
            {
                WriteVarint(stream, size);
            }

            var bytes = new byte[4 * parameter.Count];
            for (int k = 0; k < parameter.Count; k++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * k), weights[parameter.Offset + k]);
            }

            stream.Write(bytes);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// The flat weights in <paramref name="file"/> for <paramref name="layout"/>: every parameter it
    /// names, with its shape, and nothing else (as TorchSharp's strict load).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such a file, or does not hold exactly the layout's parameters; the message says which.</exception>
    public static float[] Read(ReadOnlySpan<byte> file, NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var weights = new float[layout.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int at = 0;
        long count = ReadVarint(file, ref at);
        if (count != layout.Parameters.Count)
        {
            throw new InvalidDataException($"it holds {count} tensors; the network has {layout.Parameters.Count}");
        }

        for (long i = 0; i < count; i++)
        {
            int nameLength = Length(ReadVarint(file, ref at), file.Length - at, "a tensor's name");
            string name = Encoding.UTF8.GetString(file.Slice(at, nameLength));
            at += nameLength;
            NetworkLayout.Parameter parameter;
            try
            {
                parameter = layout[name];
            }
            catch (KeyNotFoundException)
            {
                throw new InvalidDataException($"it holds a tensor '{name}' that the network does not have");
            }

            if (!seen.Add(name))
            {
                throw new InvalidDataException($"it holds the tensor '{name}' twice");
            }

            long type = ReadVarint(file, ref at);
            if (type != Float32)
            {
                throw new InvalidDataException($"the tensor '{name}' has element type {type}, not float32 ({Float32})");
            }

            long rank = ReadVarint(file, ref at);
            var shape = new long[Math.Min(rank, 8)];
            if (rank != parameter.Shape.Length)
            {
                throw new InvalidDataException($"the tensor '{name}' has {rank} dimensions; the network's has {parameter.Shape.Length}");
            }

            for (int d = 0; d < rank; d++)
            {
                shape[d] = ReadVarint(file, ref at);
            }

            if (!shape.SequenceEqual(parameter.Shape.Select(s => (long)s)))
            {
                throw new InvalidDataException($"the tensor '{name}' is [{string.Join(", ", shape)}]; the network's is [{string.Join(", ", parameter.Shape)}]");
            }

            int bytes = Length(4L * parameter.Count, file.Length - at, $"the values of '{name}'");
            Span<float> values = weights.AsSpan(parameter.Offset, parameter.Count);
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = BinaryPrimitives.ReadSingleLittleEndian(file.Slice(at + 4 * k, 4));
            }

            at += bytes;
        }

        if (at != file.Length)
        {
            throw new InvalidDataException($"{file.Length - at} bytes follow the last tensor");
        }

        return weights;
    }

    private static int Length(long length, int left, string what) =>
        length < 0 || length > left ? throw new InvalidDataException($"the file ends inside {what}") : (int)length;

    private static void WriteVarint(Stream stream, long value)
    {
        ulong rest = (ulong)value;
        do
        {
            byte next = (byte)(rest & 0x7F);
            rest >>= 7;
            stream.WriteByte(rest == 0 ? next : (byte)(next | 0x80));
        }
        while (rest != 0);
    }

    private static long ReadVarint(ReadOnlySpan<byte> file, ref int at)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            if (at >= file.Length)
            {
                throw new InvalidDataException("the file ends inside a number");
            }

            byte next = file[at++];
            value |= (long)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("a number in the file is too long");
    }
}
