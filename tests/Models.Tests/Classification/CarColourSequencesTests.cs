using SunspotForecaster.Models.Classification;

namespace SunspotForecaster.Models.Tests.Classification;

public class CarColourSequencesTests
{
    [Fact]
    public void Enumerates_every_single_car_sequence_of_a_length_once()
    {
        var six = CarColourSequences.Enumerate(6).ToList();

        Assert.Equal(1 + 3 * 21, six.Count);
        Assert.Equal(six.Count, six.Select(e => string.Join(",", e.Sequence)).Distinct().Count());
        Assert.Contains(six, e => e.Sequence.SequenceEqual([0, 0, 2, 2, 2, 0]) && e.Label == 2);
        Assert.Contains(six, e => e.Sequence.SequenceEqual([3, 3, 3, 3, 3, 3]) && e.Label == 3);
        Assert.Contains(six, e => e.Sequence.SequenceEqual([0, 0, 0, 0, 0, 0]) && e.Label == 0);
        Assert.Equal(six.Count, CarColourSequences.EnumerationSize(6) - CarColourSequences.EnumerationSize(5));
    }

    [Fact]
    public void Samples_are_single_car_sequences_labelled_by_their_colour()
    {
        var random = new Random(1);
        for (int i = 0; i < 2000; i++)
        {
            (int[] sequence, int label) = CarColourSequences.Sample(random, 1, 64);

            Assert.InRange(sequence.Length, 1, 64);
            int[] colours = sequence.Where(s => s != 0).Distinct().ToArray();
            Assert.Equal(label == 0 ? [] : [label], colours);
            if (label != 0)
            {
                int first = Array.IndexOf(sequence, label);
                int last = Array.LastIndexOf(sequence, label);
                Assert.All(sequence[first..(last + 1)], s => Assert.Equal(label, s));
            }
        }
    }

    [Theory]
    [InlineData(new int[0], "1 to 256 steps")]
    [InlineData(new[] { 0, 4, 1 }, "Step 2 of the sequence is 4")]
    [InlineData(new[] { -1 }, "Step 1 of the sequence is -1")]
    public void Invalid_sequences_are_refused_naming_the_problem(int[] sequence, string expected)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => CarColourSequences.Validate(sequence));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Sequences_longer_than_256_steps_are_refused() =>
        Assert.Throws<ArgumentException>(() => CarColourSequences.Validate(new int[257]));
}
