from pathlib import Path

import onnx
import pytest
import torch
from onnx import shape_inference

from models.training.detector_graph import DetectorBranch, merge_detector_branch
from models.training.export_detector import branch_onnx
from models.training.detector_members import DetectorMember
from models.training.lesion_detector import LesionDetector

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "test/fixtures/models/random-small/classifier.onnx"
GRID, CAM_GRID = (20, 112, 112), (10, 7, 7)


def shapes(model, names):
    inferred = shape_inference.infer_shapes(model).graph
    values = {v.name: v for v in list(inferred.value_info) + list(inferred.output)}
    return {n: [d.dim_value for d in values[n].type.tensor_type.shape.dim] for n in names}


def branch(*inputs: str) -> onnx.ModelProto:
    torch.manual_seed(0)
    return branch_onnx(DetectorBranch([DetectorMember(LesionDetector(2, len(inputs)), 50)], GRID, CAM_GRID).eval(), GRID, inputs)


@pytest.fixture(scope="module")
def merged():
    """The structural target reading T1 and STIR, its map on T1 (task 2), then the BME target on STIR (tasks 0
    and 1) over the result."""
    base = onnx.load(str(FIXTURE))
    once = merge_detector_branch(base, branch("t1", "stir"), {2: ([0.7, 1.3], -0.2)}, "t1", "structural/")
    twice = merge_detector_branch(once, branch("stir"), {0: ([0.5, 0.9], 0.1), 1: ([0.6, 1.1], -0.3)}, "stir", "bme/")
    return base, once, twice


def test_the_contract_is_unchanged(merged):
    base, *models = merged
    for model in models:
        assert [i.name for i in model.graph.input] == [i.name for i in base.graph.input] == ["t1", "stir"]
        assert [o.name for o in model.graph.output] == ["probabilities", "cam"]
        assert shapes(model, ["probabilities", "cam"]) == {"probabilities": [1, 3], "cam": [1, 3, 2, *CAM_GRID]}


def test_one_node_makes_each_output_and_each_branch_reads_its_sequence(merged):
    _, once, twice = merged
    for model in (once, twice):
        nodes = model.graph.node
        assert [n.op_type for n in nodes if "probabilities" in n.output] == ["Sigmoid"]
        assert [n.op_type for n in nodes if "cam" in n.output] == ["Concat"]
        assert len({n.name for n in nodes}) == len(nodes)
        assert len({i.name for i in model.graph.initializer}) == len(model.graph.initializer)
    reads = lambda prefix: {i for n in twice.graph.node if n.name.startswith(prefix) for i in n.input} & {"t1", "stir"}
    assert reads("structural/") == {"t1", "stir"} and reads("bme/") == {"stir"}


def test_the_stacking_weights_are_in_the_graph_for_their_tasks_only(merged):
    _, _, model = merged
    values = {i.name: onnx.numpy_helper.to_array(i).tolist() for i in model.graph.initializer}
    assert values["structural/w_classifier_2"] == pytest.approx([0.7])
    assert values["structural/w_detector_2"] == pytest.approx([1.3])
    assert values["structural/bias_2"] == pytest.approx([-0.2])
    assert values["bme/w_classifier_0"] == pytest.approx([0.5]) and values["bme/bias_0"] == pytest.approx([0.1])
    assert values["bme/w_detector_1"] == pytest.approx([1.1]) and values["bme/bias_1"] == pytest.approx([-0.3])
    assert not any(k.startswith("bme/w_") and k.endswith("_2") for k in values)
    assert not any(k.startswith("structural/w_") and k[-2:] in ("_0", "_1") for k in values)


def test_the_same_prefix_twice_is_refused(merged):
    _, once, _ = merged
    with pytest.raises(ValueError, match="already has nodes named structural/"):
        merge_detector_branch(once, branch("t1"), {2: ([1, 1], 0)}, "t1", "structural/")


def test_a_branch_reading_an_input_the_classifier_lacks_is_refused():
    base = onnx.load(str(FIXTURE))
    with pytest.raises(ValueError, match=r"it reads \['t1', 'pd'\]"):
        merge_detector_branch(base, branch("t1", "pd"), {2: ([1, 1], 0)}, "t1", "structural/")


def test_a_branch_that_does_not_divide_the_grid_is_refused():
    with pytest.raises(ValueError, match="does not divide"):
        DetectorBranch([DetectorMember(LesionDetector(2), 50)], GRID, (20, 28, 30))
