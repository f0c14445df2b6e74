#!/usr/bin/env python3
"""Training speed of a Distill4j student in plain PyTorch: the peer of TrainingSpeedBenchmark.java.

TrainingSpeedBenchmark trains the project's student through DJL (StudentTrainer) and then runs this
script with the same arguments, so both sides train the same student on the same data with the same
batches, loss, optimizer and clipping, one after the other, with the same thread count. This script
prints one JSON line: steps_per_second and what it measured, with every timed step's seconds and the
process's peak resident memory. FineTuningSpeedBenchmark.java runs it the same way with the shape of
all-MiniLM-L6-v2 (--student transformer --vocab 30522 --embedding-dim 384 --layers 6 --heads 12
--intermediate 1536 --max-positions 512 --classes 2 --alpha 0 --dropout 0.1): full fine-tuning of a BERT
encoder with a classification head, cross-entropy only.

    python3 benchmarks/python/train_speed.py --vocab 2264 --embedding-dim 128 --hidden 256 --classes 77 \
        --batch 32 --min-length 10 --max-length 30 --steps 300 --warmup-steps 100 --threads 2 --seed 42

It needs PyTorch (Debian: apt-get install python3-torch) and, for a fair baseline, an optimized BLAS: Debian's
torch does its matrix products through whichever libblas.so.3 is installed, and the reference BLAS that
python3-torch pulls in is several times slower than OpenBLAS (apt-get install libopenblas0-pthread). The JSON
names the BLAS that was loaded. This is a benchmark tool; no build or test runs it.

What is the same on both sides:
* Data: SplitMix64 from --seed gives, per example, a length in [min-length, max-length], that many token
  ids in [0, vocab), the teacher's logits uniform in [-4, 4) and the hard label (the teacher's argmax).
  Both sides print data_checksum, a hash of all of it, and the Java side refuses a mismatch.
* Batches: an epoch holds 50 batches (StudentTrainer's bucketing window), so bucketing sorts the whole
  epoch by length and cuts it into batches of equal shapes on both sides; only the order of the
  batches differs (each side shuffles with its own generator). Each batch is padded to its longest row
  when it is used, as StudentTrainer does.
* Student: bag of embeddings (masked mean of the token embeddings, then Linear + activation + dropout
  per hidden layer, then the output Linear), or the Transformer encoder of TransformerStudent.java.
* Step: loss = alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) (batch mean) + (1 - alpha) * CE(s, label),
  each term computed only when its weight is not zero (as DistillationLoss.java);
  loss.item() (StudentTrainer reads the loss every step), backward, clip_grad_norm_ to 1.0, AdamW
  (weight decay 0.01) with StudentTrainer's learning-rate schedule (5 % linear warm-up, linear decay).
* Timing: the first --warmup-steps are not timed; then --steps steps are, from the end of one step to
  the end of the next (the batch's tensors are built inside the step, as in StudentTrainer).
"""

import argparse
import json
import math
import os
import platform
import random
import struct
import sys
import time

MASK64 = (1 << 64) - 1
BATCHES_PER_EPOCH = 50


class SplitMix64:
    """The same generator as SplitMix64.java beside TrainingSpeedBenchmark.java."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_int(self, bound):
        return self.next() % bound

    def next_float(self):
        """Uniform in [0, 1) with 24 random bits: exact in float32."""
        return (self.next() >> 40) * (1.0 / (1 << 24))


def workload(args):
    """Examples of one epoch: (ids, teacher logits, label) per row, and the data checksum."""
    rng = SplitMix64(args.seed)
    rows = []
    checksum = 0

    def mix(value):
        nonlocal checksum
        checksum = (checksum * 31 + (value & MASK64)) & MASK64

    for _ in range(BATCHES_PER_EPOCH * args.batch):
        length = args.min_length + rng.next_int(args.max_length - args.min_length + 1)
        ids = [rng.next_int(args.vocab) for _ in range(length)]
        teacher = [rng.next_float() * 8.0 - 4.0 for _ in range(args.classes)]
        label = max(range(args.classes), key=lambda c: (teacher[c], -c))
        mix(length)
        for token in ids:
            mix(token)
        for value in teacher:
            mix(struct.unpack("<I", struct.pack("<f", value))[0])
        mix(label)
        rows.append((ids, teacher, label))
    return rows, checksum


def bucketed_batches(rows, batch):
    """The epoch sorted by length and cut into batches, as StudentTrainer's bucketing of one window."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    return [order[i:i + batch] for i in range(0, len(order), batch)]


def schedule(peak_share_warmup, total):
    """StudentTrainer.schedule as a LambdaLR factor of the peak learning rate."""
    warmup = round(total * peak_share_warmup)

    def factor(step):
        if warmup > 0 and step < warmup:
            return (step + 1) / warmup
        decay = max(1, total - warmup)
        return max(max(0, total - step) / decay, 1e-3)

    return factor


def build_student(torch, args):
    nn = torch.nn
    F = torch.nn.functional
    activation = F.relu if args.activation == "relu" else F.gelu

    class BagOfEmbeddings(nn.Module):
        """BagOfEmbeddingsStudent.java."""

        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(args.vocab, args.embedding_dim)
            widths = [args.embedding_dim] + args.hidden
            self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths, widths[1:]))
            self.output = nn.Linear(widths[-1], args.classes)

        def forward(self, ids, mask):
            embedded = self.embedding(ids)
            m = mask.to(embedded.dtype).unsqueeze(2)
            pooled = (embedded * m).sum(1) / m.sum(1).clamp(min=1.0)
            x = F.dropout(pooled, args.dropout, self.training)
            for layer in self.hidden:
                x = F.dropout(activation(layer(x)), args.dropout, self.training)
            return self.output(x)

    class EncoderLayer(nn.Module):
        def __init__(self, h, intermediate):
            super().__init__()
            self.query = nn.Linear(h, h)
            self.key = nn.Linear(h, h)
            self.value = nn.Linear(h, h)
            self.attention_output = nn.Linear(h, h)
            self.attention_norm = nn.LayerNorm(h, eps=1e-12)
            self.intermediate = nn.Linear(h, intermediate)
            self.output = nn.Linear(intermediate, h)
            self.output_norm = nn.LayerNorm(h, eps=1e-12)

    class Transformer(nn.Module):
        """TransformerStudent.java: post-LayerNorm BERT-style encoder, masked-mean pooling."""

        def __init__(self):
            super().__init__()
            h = args.embedding_dim
            self.word_embeddings = nn.Embedding(args.vocab, h)
            self.position_embeddings = nn.Embedding(args.max_positions, h)
            self.embeddings_norm = nn.LayerNorm(h, eps=1e-12)
            self.layers = nn.ModuleList(EncoderLayer(h, args.intermediate) for _ in range(args.layers))
            self.output = nn.Linear(h, args.classes)

        def forward(self, ids, mask):
            batch, length = ids.shape
            heads = args.heads
            head_size = args.embedding_dim // heads
            p = args.dropout
            positions = torch.arange(length, dtype=torch.long)
            x = self.word_embeddings(ids) + self.position_embeddings(positions)
            x = F.dropout(self.embeddings_norm(x), p, self.training)
            m = mask.to(x.dtype)
            bias = ((1.0 - m) * torch.finfo(x.dtype).min).view(batch, 1, 1, length)
            for layer in self.layers:
                q = layer.query(x).view(batch, length, heads, head_size).transpose(1, 2)
                k = layer.key(x).view(batch, length, heads, head_size).permute(0, 2, 3, 1)
                v = layer.value(x).view(batch, length, heads, head_size).transpose(1, 2)
                probabilities = F.dropout(torch.softmax(q @ k / math.sqrt(head_size) + bias, -1), p, self.training)
                context = (probabilities @ v).transpose(1, 2).reshape(batch, length, args.embedding_dim)
                x = layer.attention_norm(x + F.dropout(layer.attention_output(context), p, self.training))
                fed = F.dropout(layer.output(activation(layer.intermediate(x))), p, self.training)
                x = layer.output_norm(x + fed)
            m3 = m.unsqueeze(2)
            pooled = (x * m3).sum(1) / m3.sum(1).clamp(min=1.0)
            return self.output(F.dropout(pooled, p, self.training))

    return BagOfEmbeddings() if args.student == "bag" else Transformer()


def distillation_loss(F, student, teacher, labels, temperature, alpha):
    """DistillationLoss.java, written as a PyTorch user would: alpha 0 is plain cross-entropy."""
    if alpha == 0:
        return F.cross_entropy(student, labels)
    soft = F.kl_div(F.log_softmax(student / temperature, 1), F.log_softmax(teacher / temperature, 1),
                    reduction="batchmean", log_target=True)
    if alpha == 1:
        return soft * (temperature * temperature)
    hard = F.cross_entropy(student, labels)
    return soft * (alpha * temperature * temperature) + hard * (1 - alpha)


def loaded_blas():
    """The BLAS libraries this process has loaded (Debian's torch calls whichever libblas.so.3 is installed)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "none found"


def peak_rss_bytes():
    """This process's peak resident memory in bytes (VmHWM), or -1 where unknown.

    Not ru_maxrss: Linux carries it over from the parent across fork and exec, so under the JVM it would
    report the JVM's peak whenever that is higher.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return -1


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", choices=["bag", "transformer"], default="bag")
    parser.add_argument("--vocab", type=int, default=2264)
    parser.add_argument("--embedding-dim", type=int, default=128,
                        help="embedding width (bag) or hidden size (transformer)")
    parser.add_argument("--hidden", type=lambda s: [int(x) for x in s.split(",") if x.strip()], default=[256],
                        help="hidden layer widths of the bag student, comma-separated")
    parser.add_argument("--layers", type=int, default=2, help="transformer layers")
    parser.add_argument("--heads", type=int, default=4, help="transformer attention heads")
    parser.add_argument("--intermediate", type=int, default=256, help="transformer feed-forward width")
    parser.add_argument("--max-positions", type=int, default=128, help="transformer position embeddings")
    parser.add_argument("--classes", type=int, default=77)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--min-length", type=int, default=10)
    parser.add_argument("--max-length", type=int, default=30)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup-steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--activation", choices=["relu", "gelu"], default=None,
                        help="relu for the bag, gelu for the transformer unless given (the students' defaults)")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--temperature", type=float, default=2.0)
    parser.add_argument("--alpha", type=float, default=0.5)
    args = parser.parse_args(argv)
    for name in ("vocab", "embedding_dim", "classes", "batch", "min_length", "steps", "threads", "layers", "heads",
                 "intermediate", "max_positions"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.max_length < args.min_length:
        parser.error("--max-length must be at least --min-length")
    if args.warmup_steps < 0:
        parser.error("--warmup-steps must be at least 0")
    if args.student == "transformer" and args.embedding_dim % args.heads != 0:
        parser.error("--embedding-dim must be a multiple of --heads for the transformer")
    if args.student == "transformer" and args.max_positions < args.max_length:
        parser.error("--max-positions must be at least --max-length for the transformer")
    if args.activation is None:
        args.activation = "relu" if args.student == "bag" else "gelu"
    return args


def main(argv):
    args = parse(argv)
    # OpenBLAS (Debian's torch runs its matrix products there) keeps a thread pool of its own, sized when
    # it loads: give it the benchmark's thread count too.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    try:
        import torch
    except ImportError:
        sys.exit(f"{sys.executable} cannot import torch: apt-get install python3-torch libopenblas0-pthread"
                 " (Debian's, for /usr/bin/python3)")
    F = torch.nn.functional
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    rows, checksum = workload(args)
    batches = bucketed_batches(rows, args.batch)
    total_steps = args.warmup_steps + args.steps
    epochs = -(-total_steps // BATCHES_PER_EPOCH)
    model = build_student(torch, args)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule(0.05, epochs * BATCHES_PER_EPOCH))

    step = 0
    timed = 0.0
    timed_cpu = 0.0
    step_seconds = []
    epoch_losses = []
    padded_tokens = 0
    for epoch in range(1, epochs + 1):
        # StudentTrainer reseeds batch order and dropout from (seed, epoch) at the start of every epoch.
        epoch_seed = args.seed * 31 + epoch
        order = list(batches)
        random.Random(epoch_seed).shuffle(order)
        torch.manual_seed(epoch_seed)
        loss_sum = 0.0
        last = time.perf_counter()
        last_cpu = time.thread_time()
        for batch in order:
            if step == total_steps:
                break
            length = max(len(rows[i][0]) for i in batch)
            ids = torch.tensor([rows[i][0] + [0] * (length - len(rows[i][0])) for i in batch], dtype=torch.long)
            mask = torch.tensor([[1] * len(rows[i][0]) + [0] * (length - len(rows[i][0])) for i in batch],
                                dtype=torch.long)
            teacher = torch.tensor([rows[i][1] for i in batch], dtype=torch.float32)
            labels = torch.tensor([rows[i][2] for i in batch], dtype=torch.long)
            optimizer.zero_grad(set_to_none=True)
            loss = distillation_loss(F, model(ids, mask), teacher, labels, args.temperature, args.alpha)
            loss_value = loss.item()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            now = time.perf_counter()
            now_cpu = time.thread_time()
            if step > args.warmup_steps:
                timed += now - last
                step_seconds.append(round(now - last, 6))
                timed_cpu += now_cpu - last_cpu
                padded_tokens += len(batch) * length
            last = now
            last_cpu = now_cpu
            loss_sum += loss_value * len(batch)
        else:
            # As StudentTrainer reports it: the mean training loss of every complete epoch.
            epoch_losses.append(round(loss_sum / len(rows), 6))

    print(json.dumps({
        "framework": "pytorch",
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "blas": loaded_blas(),
        "student": args.student,
        "activation": args.activation,
        "parameters": sum(p.numel() for p in model.parameters()),
        "threads": torch.get_num_threads(),
        "steps": args.steps,
        "warmup_steps": args.warmup_steps,
        "seconds": round(timed, 6),
        "steps_per_second": round(args.steps / timed, 3),
        "main_thread_cpu_seconds": round(timed_cpu, 6),
        "step_seconds": step_seconds,
        "peak_rss_bytes": peak_rss_bytes(),
        "epoch_losses": epoch_losses,
        "mean_padded_tokens_per_batch": round(padded_tokens / args.steps, 3),
        "data_checksum": format(checksum, "016x"),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
