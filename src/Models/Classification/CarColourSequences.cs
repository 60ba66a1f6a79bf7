namespace SunspotForecaster.Models.Classification;

/// <summary>
/// The course's car-colour task: a pinhole sees, step by step, nothing (0) or part of a car of
/// colour 1, 2 or 3. A sequence holding one car — one unbroken run of its colour, zeros elsewhere —
/// belongs to that colour; a sequence of zeros to class 0. Where the car appears and how long it
/// stays in view do not matter.
/// </summary>
public static class CarColourSequences
{
    public const int Classes = 4;
    public const int MaxLength = 256;

    /// <summary>The six sequences of the course's notebook (part 10.2) with their labels.</summary>
    public static IReadOnlyList<(int[] Sequence, int Label)> Course { get; } =
    [
        ([0, 1, 1, 0, 0, 0], 1),
        ([0, 0, 0, 2, 2, 0], 2),
        ([0, 0, 0, 0, 3, 3], 3),
        ([0, 2, 2, 0, 0, 0], 2),
        ([0, 0, 3, 3, 0, 0], 3),
        ([0, 0, 0, 0, 1, 1], 1),
    ];

    /// <summary>Every sequence of <paramref name="length"/> with at most one car: all zeros, then each colour at each run.</summary>
    public static IEnumerable<(int[] Sequence, int Label)> Enumerate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        yield return (new int[length], 0);
        for (int colour = 1; colour < Classes; colour++)
        {
            for (int start = 0; start < length; start++)
            {
                for (int end = start; end < length; end++)
                {
                    var sequence = new int[length];
                    Array.Fill(sequence, colour, start, end - start + 1);
                    yield return (sequence, colour);
                }
            }
        }
    }

    /// <summary>How many sequences <see cref="Enumerate"/> yields for lengths 1..<paramref name="maxLength"/>.</summary>
    public static long EnumerationSize(int maxLength) =>
        Enumerable.Range(1, maxLength).Sum(n => 1 + 3L * n * (n + 1) / 2);

    /// <summary>
    /// A random sequence with at most one car, of a length drawn from
    /// <paramref name="minLength"/>..<paramref name="maxLength"/>: class 0 a quarter of the time,
    /// otherwise a colour on a run drawn uniformly among all runs.
    /// </summary>
    public static (int[] Sequence, int Label) Sample(Random random, int minLength, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(random);
        int length = random.Next(minLength, maxLength + 1);
        var sequence = new int[length];
        int label = random.Next(Classes);
        if (label > 0)
        {
            // Uniform over the length * (length + 1) / 2 runs.
            int run = random.Next(length * (length + 1) / 2);
            int start = 0;
            while (run >= length - start)
            {
                run -= length - start;
                start++;
            }

            Array.Fill(sequence, label, start, run + 1);
        }

        return (sequence, label);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first problem: length outside 1..256, a value outside 0..3.</summary>
    public static void Validate(IReadOnlyList<int> sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.Count is < 1 or > MaxLength)
        {
            throw new ArgumentException($"A sequence has 1 to {MaxLength} steps; this one has {sequence.Count}.", nameof(sequence));
        }

        for (int i = 0; i < sequence.Count; i++)
        {
            if (sequence[i] is < 0 or >= Classes)
            {
                throw new ArgumentException($"Step {i + 1} of the sequence is {sequence[i]}; each step is 0 (nothing seen) or a colour 1..3.", nameof(sequence));
            }
        }
    }
}
