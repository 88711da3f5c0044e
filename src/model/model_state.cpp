#include "model/model_state.hpp"

namespace lmm::internal {

ModelState::ModelState(std::shared_ptr<const ModelDesign> shared_design, Eigen::VectorXd response,
                       std::shared_ptr<const Crossproducts> formed, std::vector<double> theta_start)
    : design(std::move(shared_design)),
      formula(design->formula),
      spec(design->spec),
      frame(design->frame),
      terms(design->terms),
      x(design->x),
      rank_message(design->rank_message),
      scale_message(design->scale_message),
      y(std::move(response)),
      crossproducts(std::move(formed)),
      start(std::move(theta_start)) {}

}  // namespace lmm::internal
