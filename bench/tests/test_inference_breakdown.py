"""bench/inference_breakdown.py on hand-written logs: which part each primitive and node is counted in."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from inference_breakdown import onednn_run, ort_part, ort_runs  # noqa: E402

LAYERS = (2, 1)  # stage1: blocks 0-1, stage2: block 2


def line(primitive: str, ms: float) -> str:
    return f"onednn_verbose,exec,cpu,{primitive},jit:avx512_core,forward_inference,src,,alg,mb2_desc,{ms}\n"


def test_onednn_primitives_go_to_the_block_part_they_follow():
    log = ["onednn_verbose,info,oneDNN v2.6.0\n", line("reorder", 0.5), line("convolution", 7), line("eltwise", 1)]
    # block 0: conv1, relu, conv2, relu, conv3, shortcut, sum, relu
    log += [line("convolution", 10), line("eltwise", 1), line("convolution", 20), line("eltwise", 2)]
    log += [line("convolution", 30), line("convolution", 40), line("sum", 3), line("eltwise", 4)]
    # block 1: no shortcut
    log += [line("convolution", 11), line("convolution", 21), line("convolution", 31), line("sum", 5), line("eltwise", 6)]
    # block 2 (stage 2) and one convolution of the head
    log += [line("convolution", 12), line("convolution", 22), line("convolution", 32), line("convolution", 42)]
    log += [line("convolution", 99)]
    parts = onednn_run(log, LAYERS)
    assert parts == {
        ("stem", "conv"): 0.5 + 7 + 1,
        ("stage1", "conv1"): 10 + 1 + 11,
        ("stage1", "conv2"): 20 + 2 + 21,
        ("stage1", "conv3+sum"): 30 + 3 + 4 + 31 + 5 + 6,
        ("stage1", "shortcut"): 40,
        ("stage2", "conv1"): 12,
        ("stage2", "conv2"): 22,
        ("stage2", "conv3+sum"): 32,
        ("stage2", "shortcut"): 42,
        ("head", "head"): 99,
    }


def test_onnxruntime_nodes_by_name_and_operator():
    assert ort_part("/encoder/stem/stem.0/Conv_kernel_time", "FusedConv", LAYERS) == ("stem", "conv")
    assert ort_part("/encoder/blocks.1/Relu_output_0_nchwc_kernel_time", "Conv", LAYERS) == ("stage1", "conv1")
    assert ort_part("/encoder/blocks.1/conv2/Conv_1_output_0_nchwc", "Conv", LAYERS) == ("stage1", "conv2")
    assert ort_part("/encoder/blocks.2/conv3/Conv_output_0_nchwc", "Conv", LAYERS) == ("stage2", "conv3+sum")
    assert ort_part("/encoder/blocks.2/shortcut/Conv_output_0_nchwc", "Conv", LAYERS) == ("stage2", "shortcut")
    assert ort_part("/encoder/blocks.2/Conv_output_0_nchwc_kernel_time", "Conv", LAYERS) == ("stage2", "masks")
    assert ort_part("/encoder/blocks.2/Mul_1_kernel_time", "Mul", LAYERS) == ("stage2", "masks")
    assert ort_part("/encoder/blocks.2/Slice_kernel_time", "Slice", LAYERS) == ("stage2", "layout")
    assert ort_part("ReorderInput_token_56_kernel_time", "ReorderInput", LAYERS) == ("whole", "layout")
    assert ort_part("/head/MatMul_kernel_time", "MatMul", LAYERS) == ("head", "head")


def test_onnxruntime_profile_skips_the_warm_up_runs_and_splits_runs():
    def node(ts, dur, name, op):
        return {"cat": "Node", "name": name + "_kernel_time", "ts": ts, "dur": dur, "args": {"op_name": op}}

    events = [
        {"cat": "Session", "name": "model_run", "ts": -200, "dur": 100},
        node(-190, 9000, "/encoder/blocks.0/conv2/Conv", "Conv"),
        {"cat": "Session", "name": "model_run", "ts": 0, "dur": 100},
        node(10, 5000, "/encoder/blocks.0/conv2/Conv", "Conv"),
        {"cat": "Session", "name": "model_run", "ts": 200, "dur": 100},
        node(210, 3000, "/encoder/blocks.0/conv2/Conv", "Conv"),
        node(220, 1000, "/encoder/blocks.0/Mul", "Mul"),
        {"cat": "Session", "name": "model_run", "ts": 400, "dur": 100},
        node(410, 4000, "/encoder/blocks.2/conv2/Conv", "Conv"),
    ]
    runs = ort_runs(events, LAYERS, warm_up=2)
    assert runs == [{("stage1", "conv2"): 3.0, ("stage1", "masks"): 1.0}, {("stage2", "conv2"): 4.0}]
